import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../../testkit/processes';
import { privateTmux } from '../../testkit/tmux';
import { isRunWorktree } from '../git/worktrees';
import { endProcessesIn, endRecordedGroup, identityOf, isSameProcess, processStartTime } from './groups';
import { runProcess } from './run';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-process-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const sh = (script: string) => ['sh', '-c', script];

async function expectGone(pid: number): Promise<void> {
  let left = alive(pid);
  for (let i = 0; i < 60 && left; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = alive(pid);
  }
  expect(left, `process ${pid} survived`).toBe(false);
}

describe('runProcess', () => {
  it('keeps stdout and stderr apart and together; reports the exit code; passes only the given env', async () => {
    process.env.MMINIONS_NOT_PASSED = 'leak';
    try {
      const r = await runProcess(
        sh('for i in 1 2; do echo out$i; echo err$i >&2; done; cat; echo "${GREETING}${MMINIONS_NOT_PASSED:-none}"; exit 3'),
        { env: { ...env, GREETING: 'hi' }, timeoutMs: 10_000 },
      );
      expect(r).toMatchObject({ exitCode: 3, timedOut: false, aborted: false, signal: null, spawnError: null });
      expect(r.stdout).toBe('out1\nout2\nhinone\n');
      expect(r.stderr).toBe('err1\nerr2\n');
      expect(r.output.split('\n').sort()).toEqual(['', 'err1', 'err2', 'hinone', 'out1', 'out2']);
      // One pipe for both (what untrusted commands do): the output keeps the order things were written in.
      const merged = await runProcess(sh('exec 2>&1; for i in 1 2; do echo out$i; echo err$i >&2; done'), {
        env,
        timeoutMs: 10_000,
      });
      expect(merged.output).toBe('out1\nerr1\nout2\nerr2\n');
    } finally {
      delete process.env.MMINIONS_NOT_PASSED;
    }
  });

  it('reports death by signal as 128+N', async () => {
    const r = await runProcess(sh('kill -9 $$'), { env, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 137, signal: 'SIGKILL', timedOut: false });
  });

  it('on timeout ends the whole group, also members that ignore SIGTERM', async () => {
    const pidFile = join(dir, 'hang.pid');
    const r = await runProcess(sh(`trap '' TERM; sleep 300 & echo $! > ${pidFile}; wait`), {
      env,
      timeoutMs: 500,
      killGraceMs: 300,
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    await expectGone(Number((await readFile(pidFile, 'utf8')).trim()));
  });

  it('ends what the command left running in the background when it exits', async () => {
    const pidFile = join(dir, 'bg.pid');
    const r = await runProcess(sh(`sleep 300 & echo $! > ${pidFile}; echo done`), { env, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, output: 'done\n' });
    await expectGone(Number((await readFile(pidFile, 'utf8')).trim()));
  });

  it('aborts on a signal: the group is ended and the result says aborted', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const p = runProcess(sh('sleep 300'), {
      env,
      timeoutMs: 60_000,
      signal: controller.signal,
      onSpawn: (pid) => pids.push(pid),
    });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const r = await p;
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    await expectGone(pids[0]!);
  });

  it('caps output, keeping the head and the end, with a truncation marker', async () => {
    const r = await runProcess(sh('i=0; while [ $i -lt 5000 ]; do echo "line $i of the output"; i=$((i+1)); done; echo LAST'), {
      env,
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
    const r = await runProcess(['/nonexistent/mminions-cmd'], { env, timeoutMs: 5_000 });
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
    const r2 = await runProcess(['true'], { env, cwd: join(dir, 'no-such-dir'), timeoutMs: 5_000 });
    expect(r2.spawnError).toMatch(/ENOENT/);
  });
});

describe('process identities', () => {
  it('tells a process from a successor on the same pid by its start time', async () => {
    const me = identityOf(process.pid);
    expect(me.start_time).toBeGreaterThan(0);
    expect(isSameProcess(me)).toBe(true);
    expect(isSameProcess({ pid: process.pid, start_time: (me.start_time ?? 0) + 1 })).toBe(false);
    expect(processStartTime(2 ** 22 + 7)).toBeNull();
  });

  it('ends a recorded group only while it is the recorded one', async () => {
    const pidFile = join(dir, 'rec.pid');
    let leader = 0;
    const run = runProcess(sh(`sleep 300 & echo $! > ${pidFile}; wait`), {
      env,
      timeoutMs: 60_000,
      onSpawn: (pid) => (leader = pid),
    });
    await new Promise((r) => setTimeout(r, 300));
    const id = identityOf(leader);
    // A wrong start time: someone else's process now — left alone.
    expect(await endRecordedGroup({ pid: leader, start_time: (id.start_time ?? 0) + 5 }, 500)).toBe(true);
    expect(alive(leader)).toBe(true);
    expect(await endRecordedGroup(id, 500)).toBe(true);
    await run;
    await expectGone(Number((await readFile(pidFile, 'utf8')).trim()));
  });
});

describe('processes working in a run’s worktrees', () => {
  it('are ended, and only the run’s (not a run whose id extends it)', async () => {
    const root = join(dir, 'worktrees');
    const mine = join(root, 'mminions-run-a-w1');
    const other = join(root, 'mminions-run-a-2-w1');
    await mkdir(mine, { recursive: true });
    await mkdir(other, { recursive: true });
    const a = spawn('sleep', ['300'], { cwd: mine, stdio: 'ignore' });
    const b = spawn('sleep', ['300'], { cwd: other, stdio: 'ignore' });
    const c = spawn('bash', ['-c', `exec -a 'sandbox --chdir ${mine}' sleep 301`], { cwd: dir, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(endProcessesIn(root, (name) => isRunWorktree(name, 'run-a'))).toBe(2);
      await expectGone(a.pid!);
      await expectGone(c.pid!);
      expect(alive(b.pid!)).toBe(true);
    } finally {
      for (const p of [a, b, c]) p.kill('SIGKILL');
    }
  });
  it('spare the tmux server, whose command line names the worktree of the session that started it', async () => {
    const root = join(dir, 'worktrees-tmux');
    const mine = join(root, 'mminions-run-b-w1');
    await mkdir(mine, { recursive: true });
    const tmux = privateTmux('mmt-spare');
    try {
      // The first session starts the server: its argv (and so its /proc cmdline) has `-c <mine>`.
      await tmux.newSession({ name: 'codorch-run-b-w1', cwd: mine, command: 'sleep 300' });
      await tmux.newSession({ name: 'other', cwd: dir, command: 'sleep 300' });
      const server = await tmux.serverPid();
      expect(server).toBeGreaterThan(0);
      expect(readFileSync(`/proc/${server}/cmdline`, 'utf8')).toContain(mine);
      // The pane's sleep works in the worktree: it is ended; the server and the other session stay.
      expect(endProcessesIn(root, (name) => isRunWorktree(name, 'run-b'), [server])).toBe(1);
      expect(alive(server!)).toBe(true);
      expect(await tmux.hasSession('other')).toBe(true);
    } finally {
      await tmux.killServer();
    }
  });
});
