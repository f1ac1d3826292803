// One manager per run: an exclusive lock file in the run folder, held for the manager's life, naming its process.
import { readFileSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { identityOf, isSameProcess, type ProcessIdentity } from '../process/groups';

export const ManagerLock = z.object({ pid: z.number().int(), start_time: z.number().nullable(), acquired_at: z.string() });
export type ManagerLock = z.infer<typeof ManagerLock>;

export class RunLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLockError';
  }
}

export function lockPath(runDir: string): string {
  return join(runDir, 'meta', 'manager.lock');
}

/** The manager recorded in the lock, when the file holds one (alive or not). */
export function readLock(runDir: string): ManagerLock | null {
  try {
    const parsed = ManagerLock.safeParse(JSON.parse(readFileSync(lockPath(runDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The run's live manager process, or null when none holds the run. */
export function liveManager(runDir: string): ProcessIdentity | null {
  const lock = readLock(runDir);
  return lock && isSameProcess(lock) ? { pid: lock.pid, start_time: lock.start_time } : null;
}

export class RunLock {
  private constructor(
    private readonly path: string,
    readonly holder: ManagerLock,
  ) {}

  /**
   * Takes the run for this process. A lock of a live manager (same pid and start time) refuses; a
   * lock left by a manager that died is taken over.
   */
  static async acquire(runDir: string, runId: string): Promise<RunLock> {
    const path = lockPath(runDir);
    const me: ManagerLock = { ...identityOf(process.pid), acquired_at: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      // Written aside, then linked into place: the lock appears whole or not at all.
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(me)}\n`);
      try {
        await link(tmp, path);
        return new RunLock(path, me);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await rm(tmp, { force: true });
      }
      const holder = readLock(runDir);
      if (holder && isSameProcess(holder)) {
        throw new RunLockError(
          `run ${runId} is already managed by process ${holder.pid} (since ${holder.acquired_at}); stop it first (mminions stop --run-id ${runId}) or choose another --run-id`,
        );
      }
      // Left by a manager that is gone: take it over.
      await rm(path, { force: true });
    }
    throw new RunLockError(`could not take the lock of run ${runId} (${path}): another manager is starting on it`);
  }

  async release(): Promise<void> {
    // Only our own lock: a stop may have removed it and another manager taken the run since.
    const now = await readFile(this.path, 'utf8').catch(() => null);
    if (now === null) return;
    try {
      const held = ManagerLock.parse(JSON.parse(now));
      if (held.pid === this.holder.pid && held.start_time === this.holder.start_time) await rm(this.path, { force: true });
    } catch {
      // not ours to remove
    }
  }
}
