// Run control through the built CLI: `mminions run --detach` (the manager in its own tmux session),
// `status`, `send`, `stop`. Real codex against the scripted model, real tmux on a private socket, real git.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionsFile } from '../../common/artifacts';
import { harnessPerTest, getAgent, setAgent, statsminiScenario, waitFor, type RunHarness } from '../../testkit/runHarness';
import { readJson } from '../runs/runStore';
import type { RunStatusView } from '../runs/status';

const harness = harnessPerTest();

/** `mminions run --detach`; returns what it printed, parsed. */
async function runDetached(h: RunHarness, runId: string) {
  const configFile = await h.writeConfigFile();
  const res = await h.cli(
    ['run', '--detach', '--config', configFile, '--issue-file', h.issueFile, '--run-id', runId, '--tmux-socket', h.tmux.socket!],
    { timeout: 30_000 },
  );
  expect(res.exitCode, `${String(res.stdout)}\n${String(res.stderr)}`).toBe(0);
  const out = String(res.stdout);
  const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(out)?.[1];
  return { configFile, out, runId: field('run_id'), managerSession: field('manager_session'), runDone: field('run_done') };
}

async function control(h: RunHarness, configFile: string, args: string[]) {
  const res = await h.cli([...args, '--config', configFile, '--tmux-socket', h.tmux.socket!], { timeout: 30_000 });
  return { code: res.exitCode, stdout: String(res.stdout), stderr: String(res.stderr) };
}

async function status(h: RunHarness, configFile: string, runId: string): Promise<RunStatusView> {
  const r = await control(h, configFile, ['status', '--run-id', runId, '--lines', '40']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunStatusView;
}

async function waitForRunning(h: RunHarness, runId: string, workers: string[]) {
  await waitFor(
    `workers ${workers.join(', ')} running`,
    async () => {
      const s = await readJson(h.store.paths(runId).sessions, SessionsFile).catch(() => null);
      if (!workers.every((w) => s?.workers.find((x) => x.worker_id === w)?.status === 'running')) return false;
      const live = await h.tmux.listSessions();
      return workers.every((w) => live.has(`codorch-${runId}-${w}`));
    },
    40_000,
  );
}

describe('mminions run --detach, status, send, stop', () => {
  it('run --detach prints the run; status has the Python prototype fields; send reaches a live worker’s agent as a follow-up; the run completes', {
    timeout: 120_000,
  }, async () => {
    const scenario = await statsminiScenario();
    // Slow repro answers keep the worker sessions alive while the test looks at them.
    const w1entry = getAgent(scenario, 'REPRO_BUILDER', 'w1');
    w1entry.delay_ms = 8_000; // alive well past the send, also on a busy machine
    // Its answer to the follow-up: the same candidate.
    w1entry.followups = [{ match: 'still there', steps: [w1entry.steps!.at(-1)!] }];
    getAgent(scenario, 'REPRO_BUILDER', 'w2').delay_ms = 3_000;
    const h = await harness({ scenario });
    const runId = 'run-detached';
    const started = await runDetached(h, runId);
    const paths = h.store.paths(runId);
    expect(started).toMatchObject({ runId, managerSession: `codorch-${runId}-manager`, runDone: paths.runDone });
    // The printed way to watch it works as printed (from another folder, without the config file).
    const hint = /watch it with `(?:npx mminions|mminions|node \S+\/bin\/mminions\.js) (status [^`]+)`/.exec(started.out)?.[1];
    expect(hint, started.out).toContain(`status --run-id ${runId}`);
    const watched = await h.cli(hint!.split(' '), { cwd: '/', timeout: 30_000 });
    expect(String(watched.stdout), String(watched.stderr)).toMatch(new RegExp(`^${runId}: (running|done)`));

    await waitForRunning(h, runId, ['w1']);
    const live = await status(h, started.configFile, runId);
    expect(Object.keys(live).sort()).toEqual(['decision', 'manager', 'run_done', 'run_id', 'run_state', 'summary', 'workers']);
    expect(live).toMatchObject({ run_id: runId, run_state: 'running', run_done: {} });
    expect(live.decision.status).toBe('running');
    expect(live.manager).toMatchObject({ session_name: `codorch-${runId}-manager`, session_exists: true, issue_url: null });
    expect(typeof live.manager.pane_tail).toBe('string');
    expect(Object.keys(live.summary).sort()).toEqual(['active', 'failed', 'finished', 'stopped', 'timeout', 'total', 'unknown']);
    expect(live.summary.active).toBeGreaterThanOrEqual(1);
    const w1 = live.workers.find((w) => w.worker_id === 'w1')!;
    expect(w1).toMatchObject({
      role: 'REPRO_BUILDER',
      status: 'running',
      session_name: `codorch-${runId}-w1`,
      session_exists: true,
      worktree_path: `${h.worktreeRoot}/mminions-${runId}-w1`,
      output_path: paths.candidate('w1'),
      script_path: `${paths.scriptsDir}/repro-w1.sh`,
    });
    expect(typeof w1.pane_tail).toBe('string');

    // send: the text reaches the worker's agent as a follow-up turn; the pane shows it.
    const text = 'mminions-test: are you still there?';
    const sent = await control(h, started.configFile, ['send', '--run-id', runId, '--worker', 'w1', '--text', text]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ run_id: runId, worker: 'w1', sent: true, delivered: 'followup' });
    await waitFor(
      'the follow-up in the pane',
      async () =>
        (await h.tmux.capturePane(`codorch-${runId}-w1`, 200).catch(() => '')).includes('[mminions] follow-up (turn 2)'),
      10_000,
    );
    const unknown = await control(h, started.configFile, ['send', '--run-id', runId, '--worker', 'w9', '--text', 'x']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('has no worker "w9"');

    // The run finishes on its own: run_done.json, decision ok, and the status says so.
    await waitFor('run_done.json', () => existsSync(paths.runDone), 100_000, 250);
    const a = await h.readRun(runId);
    expect(
      a.decision.status,
      `${a.decision.rationale} ${JSON.stringify(a.sessions.workers.map((w) => [w.worker_id, w.status, w.detail]))}`,
    ).toBe('ok');
    expect(a.runDone).toMatchObject({ run_id: runId, status: 'ok', decision_path: paths.decision });
    // The follow-up was answered: w1's candidate still stands.
    expect(a.sessions.workers.map((w) => `${w.worker_id}:${w.status}`)).toEqual([
      'w1:finished',
      'w2:finished',
      'w3:finished',
      'w4:finished',
    ]);
    // The manager's session ends with the manager (exit code 0 is a decision, not a crash).
    await waitFor('the manager session to end', async () => !(await h.tmux.hasSession(`codorch-${runId}-manager`)), 15_000, 200);
    const done = await status(h, started.configFile, runId);
    expect(done).toMatchObject({ run_id: runId, run_state: 'done', decision: { status: 'ok' }, run_done: { status: 'ok' } });
    expect(done.manager.session_exists).toBe(false);
    expect(done.workers.every((w) => !w.session_exists)).toBe(true);
    await h.assertClean();
  });

  it('stop ends the manager and the workers of a live run, removes the worktrees and records stopped', {
    timeout: 90_000,
  }, async () => {
    const scenario = await statsminiScenario();
    setAgent(scenario, { role: 'REPRO_BUILDER', worker: 'w1', hang: true });
    setAgent(scenario, { role: 'REPRO_BUILDER', worker: 'w2', hang: true });
    const h = await harness({ scenario });
    const runId = 'run-stop';
    const started = await runDetached(h, runId);
    await waitForRunning(h, runId, ['w1', 'w2']);
    expect(existsSync(`${h.worktreeRoot}/mminions-${runId}-w1`)).toBe(true);

    const stop = await control(h, started.configFile, ['stop', '--run-id', runId]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ run_id: runId, status: 'stopped' });

    const a = await h.readRun(runId);
    expect(a.decision.status).toBe('stopped');
    expect(a.runDone.status).toBe('stopped');
    // The manager recorded it (it got SIGTERM and cleaned up), not only the stop command's fallback.
    expect(a.sessions.workers.map((w) => `${w.worker_id}:${w.status}`)).toEqual(['w1:stopped', 'w2:stopped']);
    expect(a.decision.preflight.ok).toBe(true);
    const st = await status(h, started.configFile, runId);
    expect(st).toMatchObject({ run_state: 'stopped', decision: { status: 'stopped' } });
    const late = await control(h, started.configFile, ['send', '--run-id', runId, '--worker', 'w1', '--text', 'hello?']);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain('is not running');
    await h.assertClean();
  });
});
