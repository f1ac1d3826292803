// Attacks a run's agents could make through what the manager runs for them, tried for real: real
// codex and scripted answers, real tmux, git and bubblewrap. Each must be contained, and the run must
// still end with a clear decision and leave nothing behind.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessPerTest, reproMessage, setAgent, statsminiScenario, waitFor } from '../../testkit/runHarness';
import { identityOf } from '../process/groups';
import { RunLockError } from '../runs/runLock';
import { sessionName } from '../tmux/tmux';
import { stopRun } from './control';
import { runManager } from './pipeline';

const harness = harnessPerTest();
const SIGNATURE = 'ValueError: kernel cannot be empty';

let canaryPath: string;
let canary: string;
let server: Server;
/** Paths the test server was asked for (an attack names where it came from). */
const hits: string[] = [];
let port = 0;

beforeAll(async () => {
  // A secret in the real HOME: what an attacker would go for (~/.npmrc, ~/.profile).
  canary = `canary-${process.pid}-${Date.now()}`;
  canaryPath = join(homedir(), `.mminions-canary-${process.pid}`);
  await writeFile(canaryPath, `${canary}\n`, { mode: 0o600 });
  server = createServer((q, r) => {
    hits.push(q.url ?? '');
    r.end('reached');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await rm(canaryPath, { force: true });
  await new Promise((r) => server?.close(r));
});

const processesTagged = (tag: string) =>
  execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(tag));

describe('a hostile repro worker', () => {
  it('cannot write outside its worktree, read HOME, plant a git hook, leave a process, reach the network or drive the terminal', async () => {
    const tag = `mminions-attack-${process.pid}-${Date.now()}`;
    const scenario = await statsminiScenario();
    // Where it tries to write: beside the run (under /tmp) and in this project's folder (the read-only root).
    const attackDir = await mkdtemp(join(tmpdir(), 'mminions-attack-'));
    const out = (name: string) => join(name.startsWith('root-') ? process.cwd() : attackDir, `.pwned-${tag}-${name}`);
    const attack = (where: string) =>
      [
        `echo x > ${out(where)}`,
        `echo x > ${out(`root-${where}`)}`,
        `cat ${canaryPath} ~/.npmrc ~/.profile`,
        `printf '#!/bin/sh\\ntouch ${out(`hook-${where}`)}\\n' > "$(git rev-parse --git-common-dir)/hooks/post-checkout" && chmod +x "$(git rev-parse --git-common-dir)/hooks/post-checkout"`,
        `(setsid bash -c 'exec -a ${tag} sleep 300' </dev/null >/dev/null 2>&1 &)`,
        `python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/${where}', timeout=2).read())"`,
        `printf '\\033]52;c;cHduZWQ=\\007 osc52-${where}\\n'`,
      ]
        .map((c) => `{ ${c}; } 2>/dev/null || true`)
        .join('; ');
    const script = [
      'import os, subprocess',
      `os.system(${JSON.stringify(attack('script'))})`,
      'import statsmini',
      'statsmini.convolve([], [1, 2])',
      '',
    ].join('\n');
    setAgent(scenario, {
      role: 'REPRO_BUILDER',
      worker: 'w2',
      steps: [
        {
          message: reproMessage({
            candidate_id: 'w2-hostile',
            script,
            claimed_failure_signature: SIGNATURE,
            setup_commands: [attack('setup')],
            oracle_command: `${attack('oracle')}; PYTHONPATH=. {python} {repro_file}`,
          }),
        },
      ],
    });
    setAgent(scenario, {
      role: 'REDUCER',
      worker: 'manager',
      steps: [{ message: JSON.stringify({ script }) }],
    });
    const h = await harness({ scenario });
    const hook = join(h.repo.path, '.git', 'hooks', 'post-checkout');
    const lines: string[] = [];
    hits.length = 0;
    const res = await runManager({ request: h.request(), out: (l) => lines.push(l) });
    const a = await h.readRun(res.runId);

    expect(a.decision.status).toBe('ok');
    // The hostile candidate ran (its oracle reproduced the bug), and nothing of its attack got out.
    expect(a.candidates.w2?.validation.total_runs).toBeGreaterThan(0);
    for (const where of ['setup', 'oracle', 'script']) {
      expect(existsSync(out(where)), `written outside by its ${where}`).toBe(false);
      expect(existsSync(out(`root-${where}`)), `written in the project by its ${where}`).toBe(false);
      expect(existsSync(out(`hook-${where}`)), `a hook planted by its ${where} ran`).toBe(false);
    }
    expect(existsSync(hook)).toBe(false);
    const runFiles = await readFile(join(a.paths.candidatesDir, 'w2.json'), 'utf8');
    expect(runFiles).not.toContain(canary);
    expect(JSON.stringify(a.events)).not.toContain(canary);
    // Oracle runs and scripts never reach the network; setup commands may ([sandbox] setup_network, default true).
    expect(hits.filter((p) => p !== '/setup')).toEqual([]);
    // Nothing it started is left (checked at once: sandboxed commands take everything with them).
    expect(processesTagged(tag)).toEqual([]);
    // The progress lines, the report and the summary quote agents, never their escape sequences.
    expect(lines.join('\n')).not.toMatch(/[\u001b\u0007\u0080-\u009f]/);
    expect(a.finalReport).not.toMatch(/[\u001b\u0007\u0080-\u009f]/);
    await h.assertClean();
    await rm(attackDir, { recursive: true, force: true });
  });
});

describe('process lifetimes', () => {
  const hangingScenario = async (tag: string) => {
    const scenario = await statsminiScenario();
    const hang = reproMessage({
      candidate_id: 'w1-hang',
      script: 'import statsmini\nstatsmini.convolve([], [1, 2])\n',
      claimed_failure_signature: SIGNATURE,
      oracle_command: `bash -c 'exec -a ${tag} sleep 300'`,
    });
    for (const w of ['w1', 'w2']) setAgent(scenario, { role: 'REPRO_BUILDER', worker: w, steps: [{ message: hang }] });
    return scenario;
  };

  for (const mode of ['bwrap', 'off'] as const) {
    it(`after kill -9 of a manager mid-validation, stop ends everything it started (sandbox ${mode})`, async () => {
      const tag = `mminions-orphan-${mode}-${process.pid}-${Date.now()}`;
      const h = await harness({
        scenario: await hangingScenario(tag),
        sandboxMode: mode,
        manager: { validation_timeout_sec: 300 },
      });
      const configFile = await h.writeConfigFile();
      const runId = `run-killed-${mode}`;
      const child = spawn(
        process.execPath,
        [
          join(process.cwd(), 'out/main/cli.js'),
          'manager',
          '--config',
          configFile,
          '--run-id',
          runId,
          '--issue-file',
          h.issueFile,
        ],
        { cwd: h.root, env: h.cliEnv, stdio: 'ignore' },
      );
      try {
        await waitFor('the hanging oracle', () => processesTagged(tag).length > 0, 60_000);
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        if (mode === 'bwrap') {
          // --die-with-parent takes the sandbox with the manager (one that was still starting may
          // miss it: stop below ends whatever works in the run's worktrees).
        } else {
          // Unsandboxed, the oracle outlives a kill -9; the run's record of it lets stop end it.
          await new Promise((r) => setTimeout(r, 500));
          expect(processesTagged(tag).length).toBeGreaterThan(0);
          expect((await readdir(join(h.runsRoot, runId, 'meta', 'processes'))).length).toBeGreaterThan(0);
        }
        const status = (await h.cli(['status', '--run-id', runId, '--config', configFile])).stdout;
        expect(JSON.parse(String(status)).run_state).toBe('crashed');
        const stopped = await h.cli(['stop', '--run-id', runId, '--config', configFile]);
        expect(stopped.exitCode).toBe(0);
        expect(processesTagged(tag)).toEqual([]);
        const a = await h.readRun(runId);
        expect(a.decision.status).toBe('stopped');
        await h.assertClean();
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }

  it('a second manager on a live run is refused and touches nothing of it', async () => {
    const tag = `mminions-second-${process.pid}-${Date.now()}`;
    const h = await harness({ scenario: await hangingScenario(tag), manager: { validation_timeout_sec: 300 } });
    const configFile = await h.writeConfigFile();
    const runId = 'run-twice';
    const first = spawn(
      process.execPath,
      [join(process.cwd(), 'out/main/cli.js'), 'manager', '--config', configFile, '--run-id', runId, '--issue-file', h.issueFile],
      { cwd: h.root, env: h.cliEnv, stdio: 'ignore' },
    );
    try {
      await waitFor('the first run in validation', () => processesTagged(tag).length > 0, 60_000);
      const sessionsBefore = await h.tmux.listSessions();
      await expect(runManager({ request: h.request({ runId }) })).rejects.toThrow(RunLockError);
      const second = await h.cli(['manager', '--config', configFile, '--run-id', runId, '--issue-file', h.issueFile]);
      expect(second.exitCode).not.toBe(0);
      expect(String(second.stderr)).toMatch(/run run-twice is already managed by process \d+/);
      expect(await h.tmux.listSessions()).toEqual(sessionsBefore);
      expect(processesTagged(tag).length).toBeGreaterThan(0); // the first run's validation goes on
      expect((await h.cli(['stop', '--run-id', runId, '--config', configFile])).exitCode).toBe(0);
      await waitFor('the first manager to end', () => first.exitCode !== null, 30_000);
      expect((await h.readRun(runId)).decision.status).toBe('stopped');
      await h.assertClean();
    } finally {
      if (first.exitCode === null) first.kill('SIGKILL');
    }
  });

  it('a foreground manager whose tmux server dies ends the phase at once, not at its timeout', async () => {
    const scenario = await statsminiScenario();
    for (const w of ['w1', 'w2']) setAgent(scenario, { role: 'REPRO_BUILDER', worker: w, hang: true });
    const h = await harness({ scenario, manager: { timeout_sec: 600 } });
    const started = Date.now();
    const run = runManager({ request: h.request() });
    await waitFor('both workers running', async () => (await h.tmux.listSessions()).size >= 2, 30_000);
    await h.tmux.killServer();
    const res = await run;
    const a = await h.readRun(res.runId);
    expect(Date.now() - started).toBeLessThan(60_000); // the phase timeout is 600 s
    expect(a.decision.status).toBe('needs-human');
    for (const w of a.sessions.workers) {
      expect(w.status).toBe('failed');
      expect(w.detail).toMatch(/tmux session ended without an exit code/);
    }
    await h.assertClean();
  }, 90_000);

  it('stop never signals a process that only reuses a pid recorded in the run', async () => {
    const h = await harness({ scenario: await statsminiScenario() });
    const { runId, paths } = await h.store.create('run-stale-pid');
    // Someone else's process, recorded as if it were the run's manager (a pid reused after a crash).
    const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const id = identityOf(bystander.pid!);
      await writeFile(
        join(paths.metaDir, 'run.json'),
        JSON.stringify({
          run_id: runId,
          repo_path: h.repo.path,
          worktree_root: h.worktreeRoot,
          commit: null,
          pid: id.pid,
          started_at: new Date().toISOString(),
          worker_model: 'm',
          manager_model: 'm',
        }),
      );
      await writeFile(
        join(paths.metaDir, 'manager.lock'),
        JSON.stringify({ pid: id.pid, start_time: (id.start_time ?? 0) - 1, acquired_at: new Date().toISOString() }),
      );
      await h.tmux.newSession({ name: sessionName(runId, 'w1'), cwd: h.root, command: 'sleep 300' });
      const r = await stopRun(h.store, h.tmux, runId, { graceMs: 2_000 });
      expect(r).toEqual({ run_id: runId, status: 'stopped' });
      expect(bystander.exitCode).toBeNull();
      expect(processesTagged('sleep 300').some((l) => l.trim().startsWith(String(bystander.pid)))).toBe(true);
      expect(await h.tmux.hasSession(sessionName(runId, 'w1'))).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
