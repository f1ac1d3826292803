// Checks that tests make of processes they started: alive (zombies count as gone), and group members.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether `pid` still runs; a zombie has exited, only its parent has not collected it yet. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes of a process group, straight from ps (a reaped-late zombie is no survivor). */
export function liveInGroup(pgid: number): string[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8', timeout: 5_000 })
    .split('\n')
    .filter((l) => {
      const f = l.trim().split(/\s+/);
      return Number(f[1]) === pgid && !(f[2] ?? 'Z').startsWith('Z');
    });
}
