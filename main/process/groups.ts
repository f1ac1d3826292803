// Process groups and process identities: signal a group, wait for it to empty, and tell a pid from its successor.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Signals a whole process group; false when it has no member left. */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process id is in use (by this process or its successor: see processStartTime). */
export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks after boot (field 22 of /proc/<pid>/stat), or null when
 * there is no such process (or no /proc). A pid can be reused; the pair (pid, start time) cannot.
 */
export function processStartTime(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[19]); // field 22 overall; rest starts at field 3
  return Number.isFinite(ticks) ? ticks : null;
}

/** A process as it can be recorded on disk and recognized later. */
export interface ProcessIdentity {
  pid: number;
  /** processStartTime(pid) when recorded; null where /proc is missing (then only the pid is checked). */
  start_time: number | null;
}

export function identityOf(pid: number): ProcessIdentity {
  return { pid, start_time: processStartTime(pid) };
}

/** Whether the recorded process is still the one running under its pid. */
export function isSameProcess(id: ProcessIdentity | null | undefined): boolean {
  if (!id?.pid || !pidAlive(id.pid)) return false;
  if (id.start_time === null) return true;
  return processStartTime(id.pid) === id.start_time;
}

/**
 * The live (non-zombie) members of a process group. A killed process stays a member until it is
 * reaped, and an orphan is reaped by init, sometimes late: zombies do not count.
 */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  if (!signalGroup(pgid, 0)) return [];
  const table = await new Promise<string | null>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,pgid=,stat='], { timeout: 5_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
  if (table === null) return [pgid]; // cannot tell: assume alive
  return table
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid && !f[2]!.startsWith('Z'))
    .map((f) => Number(f[0]));
}

/** Waits (bounded) until no live member of the group is left; true when none is. */
export async function untilGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await liveGroupMembers(pgid)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Ends a recorded process group: SIGTERM, then SIGKILL after `graceMs`. Only when the group is
 * provably the recorded one: its leader is the recorded process (same start time), or the leader
 * is gone and a member started no earlier than it did (a pgid is not reused while its group lives).
 * Returns whether nothing of the group is left.
 */
export async function endRecordedGroup(leader: ProcessIdentity, graceMs = 2_000): Promise<boolean> {
  const members = await liveGroupMembers(leader.pid);
  if (members.length === 0) return true;
  const leaderAlive = members.includes(leader.pid);
  if (leaderAlive && !isSameProcess(leader)) return true; // the pid now leads someone else's group
  if (!leaderAlive && leader.start_time !== null) {
    const ours = members.some((m) => (processStartTime(m) ?? -1) >= (leader.start_time ?? 0));
    if (!ours) return true;
  }
  signalGroup(leader.pid, 'SIGTERM');
  if (await untilGroupGone(leader.pid, graceMs)) return true;
  signalGroup(leader.pid, 'SIGKILL');
  return untilGroupGone(leader.pid, graceMs);
}

/**
 * Ends (SIGKILL) every process of this machine that works in one of these folders: its current
 * directory or its command line is inside one. What a run started is found this way even when it
 * left every group and record behind (a sandbox whose manager died while it started).
 * `belongs(folder)` decides which `mminions-…` worktree folders are the run's. `spare` lists pids
 * never to end: the tmux server above all, whose command line is the one of the client that started
 * it (`tmux new-session -c <a worktree> …` when a worker's session was the first). Returns how many it ended.
 */
export function endProcessesIn(
  worktreeRoot: string,
  belongs: (folderName: string) => boolean,
  spare: readonly (number | null)[] = [],
): number {
  const root = worktreeRoot.replace(/\/+$/, '');
  const inRun = (text: string) => {
    for (const m of text.matchAll(/mminions-[A-Za-z0-9_.-]+/g)) {
      const at = m.index ?? 0;
      if (text.slice(0, at).endsWith(`${root}/`) && belongs(m[0])) return true;
    }
    return false;
  };
  let ended = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid || spare.includes(pid)) continue;
    let cwd = '';
    let cmd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // gone, or not ours to read
    }
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      // gone
    }
    if (inRun(`${cwd}/`) || inRun(cmd)) {
      try {
        process.kill(pid, 'SIGKILL');
        ended++;
      } catch {
        // already gone
      }
    }
  }
  return ended;
}
