import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBounded } from './runBounded';

/** Running and not a zombie (a killed orphan may wait a while for its reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('runBounded', () => {
  it('returns exit code and output', async () => {
    const r = await runBounded('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5_000 });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, error: null });
  });

  it('kills the whole process group on timeout', async () => {
    const r = await runBounded('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 2_000 });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    // The kill is SIGKILL to the group; give the kernel a moment to deliver it.
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it('reports a command that cannot start', async () => {
    const r = await runBounded('/nonexistent/mminions-cmd', [], { timeoutMs: 1_000 });
    expect(r.error).toMatch(/ENOENT/);
    expect(r.exitCode).toBeNull();
  });
});
