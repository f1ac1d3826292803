// A record on disk of every process group a run starts outside tmux, so that `mminions stop` can end them even after the manager was killed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endRecordedGroup, type ProcessIdentity, processStartTime } from './groups';

interface Record extends ProcessIdentity {
  what: string;
}

export class ProcessTracker {
  constructor(readonly dir: string) {}

  /** Hooks for runProcess/runUntrusted: the group leader is recorded while it runs. */
  hooks(what: string): { onSpawn: (pid: number) => void; onExit: (pid: number) => void } {
    return {
      onSpawn: (pid) => {
        try {
          mkdirSync(this.dir, { recursive: true });
          const rec: Record = { pid, start_time: processStartTime(pid), what };
          writeFileSync(join(this.dir, `${pid}.json`), JSON.stringify(rec));
        } catch {
          // A record that cannot be written only weakens `stop` after a crash.
        }
      },
      onExit: (pid) => rmSync(join(this.dir, `${pid}.json`), { force: true }),
    };
  }

  /** Ends every recorded group that is still the recorded one; returns how many were running. */
  static async endAll(dir: string, graceMs = 2_000): Promise<number> {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
    } catch {
      return 0;
    }
    let ended = 0;
    await Promise.all(
      files.map(async (f) => {
        try {
          const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record;
          if (Number.isInteger(rec.pid) && rec.pid > 1) {
            const still = processStartTime(rec.pid) !== null;
            await endRecordedGroup({ pid: rec.pid, start_time: rec.start_time ?? null }, graceMs);
            if (still) ended++;
          }
        } catch {
          // unreadable record: nothing we can prove about it
        }
        rmSync(join(dir, f), { force: true });
      }),
    );
    return ended;
  }
}
