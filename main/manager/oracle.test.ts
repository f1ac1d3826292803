import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './oracle';
import { alive } from '../../testkit/processes';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-oracle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectGone(pid: number): Promise<void> {
  let left = alive(pid);
  for (let i = 0; i < 40 && left; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = alive(pid);
  }
  expect(left, `process ${pid} survived`).toBe(false);
}

describe('runCommand', () => {
  it('interleaves stdout and stderr, reports the exit code, closes stdin, passes env', async () => {
    const r = await runCommand(
      'for i in 1 2 3; do echo out$i; echo err$i >&2; done; cat; echo "$GREETING${HOME:-nohome}"; exit 3',
      {
        cwd: dir,
        timeoutMs: 10_000,
        env: { GREETING: 'hi', HOME: undefined },
      },
    );
    expect(r).toMatchObject({ exitCode: 3, timedOut: false, signal: null, spawnError: null });
    expect(r.output).toBe('out1\nerr1\nout2\nerr2\nout3\nerr3\nhinohome\n');
  });

  it('reports death by signal as 128+N', async () => {
    const r = await runCommand('kill -9 $$', { cwd: dir, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 137, signal: 'SIGKILL', timedOut: false });
  });

  it('on timeout kills the whole group, also members that ignore SIGTERM', async () => {
    const pidFile = join(dir, 'hang.pid');
    const r = await runCommand(`trap '' TERM; sleep 300 & echo $! > ${pidFile}; wait`, {
      cwd: dir,
      timeoutMs: 500,
      killGraceMs: 300,
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    await expectGone(Number((await readFile(pidFile, 'utf8')).trim()));
  });

  it('ends what the command left running in the background when it exits', async () => {
    const pidFile = join(dir, 'bg.pid');
    const r = await runCommand(`sleep 300 & echo $! > ${pidFile}; echo done`, { cwd: dir, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, output: 'done\n' });
    await expectGone(Number((await readFile(pidFile, 'utf8')).trim()));
  });

  it('caps output, keeping the head and the end, with a truncation marker', async () => {
    const r = await runCommand('i=0; while [ $i -lt 5000 ]; do echo "line $i of the output"; i=$((i+1)); done; echo LAST', {
      cwd: dir,
      timeoutMs: 20_000,
      maxOutputBytes: 8_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.output.startsWith('line 0 of the output\n')).toBe(true);
    expect(r.output.endsWith('LAST\n')).toBe(true);
    expect(r.output).toMatch(/\[\.\.\. \d+ bytes of output truncated \.\.\.\]/);
    expect(r.output.length).toBeLessThan(8_200);
  });

  it('reports a command that cannot start', async () => {
    const r = await runCommand('true', { cwd: join(dir, 'no-such-dir'), timeoutMs: 5_000 });
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
  });
});
