import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartRunResponse, StopResponse } from '../../common/api';
import { selfCommand } from '../cli/self';
import { buildConfig } from '../config/config';
import { launchManager, makeRunRequest } from '../manager/launcher';
import { issueSpec, worker } from '../../e2e/support/runFixtures';
import { serveControl } from '../runs/controlChannel';
import { RunLock } from '../runs/runLock';
import { Steering } from '../manager/steering';
import { SessionsLog } from '../manager/workers/sessionsLog';
import { writeJsonAtomic } from '../runs/runStore';
import { sessionName } from '../tmux/tmux';
import { issueSource, runConfig } from './runRequest';
import { startTestServer, waitFor, type TestServer } from '../../testkit/testServer';

let t: TestServer;
let repo: string;
let issueFile: string;

beforeAll(async () => {
  t = await startTestServer();
  // A real repository: the API refuses other folders at once (security.test.ts). Runs here end in
  // preflight (no codex login), which is all these tests need of a manager.
  repo = join(t.dir, 'repo');
  await mkdir(repo);
  await execa('git', ['init', '-q'], { cwd: repo });
  await execa('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: repo });
  issueFile = join(t.dir, 'issue.md');
  await writeFile(issueFile, '# Division crashes\n\n`divide(1, 0)` raises ZeroDivisionError instead of returning inf.\n');
});
afterAll(async () => {
  await t?.cleanup();
});

const post = (body: unknown) => t.api('/api/runs', { method: 'POST', body: JSON.stringify(body) });

describe('runConfig / issueSource', () => {
  it("takes the request's choices over the server's configuration, keeping its runs root and socket", () => {
    const base = buildConfig(
      {},
      { file: null, env: {}, cwd: '/srv', overrides: { runs_root: '/srv/runs', tmux_socket: 'sock' } },
    );
    const c = runConfig(base, { issue_text: 'x', repo_path: '/repo', workers: 4, timeout_sec: 90, worker_model: 'm1' });
    expect(c.manager).toMatchObject({
      repo_path: '/repo',
      workers: 4,
      timeout_sec: 90,
      worker_model: 'm1',
      manager_model: 'gpt-5',
      runs_root: '/srv/runs',
    });
    expect(c.tmux.socket).toBe('sock');
    expect(base.manager.repo_path).toBe('/srv'); // not mutated
    expect(issueSource({ issue_url: 'https://github.com/o/r/issues/1', repo_path: '/r' })).toEqual({
      url: 'https://github.com/o/r/issues/1',
    });
    expect(issueSource({ issue_file: '/i.md', repo_path: '/r' })).toEqual({ file: '/i.md' });
    expect(issueSource({ issue_text: 'boom', repo_path: '/r' })).toEqual({ text: 'boom' });
  });

  it("keeps the server's configuration warnings, except about a value the request replaced", () => {
    const base = buildConfig({ manager: { workers: 9, timeout_sec: 10 } }, { file: null, env: {}, cwd: '/srv', overrides: {} });
    expect(base.meta.warnings).toHaveLength(2);
    const c = runConfig(base, { issue_text: 'x', repo_path: '/repo', workers: 2, fix_workers: 0 });
    expect(c.manager.workers).toBe(2);
    expect(c.manager.fix_workers).toBe(0);
    expect(c.meta.warnings).toEqual([expect.stringMatching(/^manager\.timeout_sec = 10 /)]);
  });
});

describe('POST /api/runs validation', () => {
  it.each([
    ['no issue source', { repo_path: '/tmp' }, /exactly one issue source.*none/],
    [
      'two issue sources',
      { issue_url: 'https://github.com/o/r/issues/1', issue_text: 'x', repo_path: '/tmp' },
      /exactly one issue source.*issue_url and issue_text/,
    ],
    ['a relative repo_path', { issue_text: 'x', repo_path: 'some/repo' }, /repo_path: expected an absolute path/],
    ['no repo_path', { issue_text: 'x' }, /repo_path/],
    ['workers 0', { issue_text: 'x', repo_path: '/tmp', workers: 0 }, /workers: expected an integer 1\.\.6/],
    ['workers 7', { issue_text: 'x', repo_path: '/tmp', workers: 7 }, /workers: expected an integer 1\.\.6/],
    ['workers 1.5', { issue_text: 'x', repo_path: '/tmp', workers: 1.5 }, /workers/],
    ['fix_workers -1', { issue_text: 'x', repo_path: '/tmp', fix_workers: -1 }, /fix_workers: expected an integer 0\.\.6/],
    ['fix_workers 7', { issue_text: 'x', repo_path: '/tmp', fix_workers: 7 }, /fix_workers: expected an integer 0\.\.6/],
    [
      'timeout_sec 10',
      { issue_text: 'x', repo_path: '/tmp', timeout_sec: 10 },
      /timeout_sec: expected an integer of at least 60/,
    ],
    ['an issue_url that is not a URL', { issue_url: 'javascript:alert(1)', repo_path: '/tmp' }, /issue_url/],
    [
      'a URL that is not a GitHub issue',
      { issue_url: 'https://gitlab.com/o/r/issues/1', repo_path: '/tmp' },
      /issue_url: not a GitHub issue URL/,
    ],
    ['a pull request URL', { issue_url: 'https://github.com/o/r/pull/1', repo_path: '/tmp' }, /pull request/],
    ['a relative issue_file', { issue_file: 'issue.md', repo_path: '/tmp' }, /issue_file: expected an absolute path/],
    ['a model name with shell characters', { issue_text: 'x', repo_path: '/tmp', worker_model: 'gpt; rm -rf ~' }, /worker_model/],
    ['an unknown field', { issue_text: 'x', repo_path: '/tmp', wrkers: 2 }, /wrkers/],
    [
      'a repo_path that does not exist',
      { issue_text: 'x', repo_path: '/nonexistent/mminions-repo' },
      /repo_path: \/nonexistent\/mminions-repo does not exist/,
    ],
    [
      'an issue_file that does not exist',
      { issue_file: '/nonexistent/issue.md', repo_path: '/tmp' },
      /issue_file: .* does not exist/,
    ],
  ])('refuses %s with 400', async (_name, body, message) => {
    const before = await t.store.list();
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(message);
    expect(await t.store.list()).toEqual(before); // nothing was created
  });
});

describe('starting and stopping runs through the API', () => {
  it('starts a real manager in tmux (201), which ends as needs-human when preflight fails; then stops it', async () => {
    const r = await post({ issue_file: issueFile, repo_path: repo, workers: 1, timeout_sec: 60 });
    expect(r.status).toBe(201);
    const body = StartRunResponse.strict().parse(r.json());
    expect(body.run_id).toMatch(/^run-\d{14}(-\d+)?$/);
    expect(body.manager_session).toBe(`codorch-${body.run_id}-manager`);
    expect(body.run_done).toBe(join(t.root, body.run_id, 'run_done.json'));
    expect((await t.api('/api/runs')).json().runs).toContain(body.run_id);
    await waitFor(() => existsSync(body.run_done), 'run_done.json', 30_000);
    const status = (await t.api(`/api/runs/${body.run_id}/status`)).json();
    expect(status.run_state).toBe('done');
    expect(status.decision.status).toBe('needs-human');
    expect(status.decision.rationale).toMatch(/^Preflight failed: .*codex_auth/);
    expect(status.manager.session_name).toBe(body.manager_session);
    const decision = (await t.api(`/api/runs/${body.run_id}/artifacts/decision`)).json();
    expect(decision.metrics.model_routing.worker_model).toBe('gpt-5.2-codex');
    expect((await t.api(`/api/runs/${body.run_id}/artifacts/final`)).text).toMatch(/needs-human/);
    expect((await t.api(`/api/runs/${body.run_id}/artifacts/run_done`)).json()).toMatchObject({
      run_id: body.run_id,
      status: 'needs-human',
    });

    const stop = await t.api(`/api/runs/${body.run_id}/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);
    // The run had finished by itself: the answer says so, and no stop request is left in the run.
    expect(StopResponse.strict().parse(stop.json())).toEqual({
      run_id: body.run_id,
      status: 'stopped',
      already_finished: 'needs-human',
    });
    expect(existsSync(join(t.root, body.run_id, 'meta', 'stop_requested'))).toBe(false);
    expect(await t.tmux.hasSession(body.manager_session)).toBe(false);
    expect((await t.api(`/api/runs/${body.run_id}/artifacts/decision`)).json().status).toBe('needs-human'); // a finished run keeps its decision
  });

  it("records the launching command's clamped configuration values in the run's diagnostics", async () => {
    const config = buildConfig(
      {},
      {
        file: null,
        env: {},
        cwd: t.dir,
        overrides: { runs_root: t.root, tmux_socket: t.tmux.socket, workers: 9, repo_path: repo },
      },
    );
    expect(config.meta.warnings).toEqual(['manager.workers = 9 is outside 1..6; using 6']);
    const launched = await launchManager({
      request: makeRunRequest(config, { file: issueFile }, 'cli'),
      tmux: t.tmux,
      selfCommand: selfCommand(),
    });
    await waitFor(() => existsSync(launched.run_done), 'run_done.json', 30_000);
    const decision = (await t.api(`/api/runs/${launched.run_id}/artifacts/decision`)).json();
    expect(decision.diagnostics).toContain('config: manager.workers = 9 is outside 1..6; using 6');
  });

  it('starts a run from pasted issue text', async () => {
    const r = await post({ issue_text: '# Pasted bug\n\nIt crashes.', repo_path: repo });
    expect(r.status).toBe(201);
    const { run_id, run_done } = r.json();
    // The request the launcher wrote once, the pasted text in it.
    const request = JSON.parse(await readFile(join(t.root, run_id, 'meta', 'request.json'), 'utf8'));
    expect(request).toMatchObject({ run_id, launched_by: 'api', issue: { text: '# Pasted bug\n\nIt crashes.' } });
    await waitFor(() => existsSync(run_done), 'run_done.json', 30_000);
    expect((await t.api(`/api/runs/${run_id}/status`)).json().decision.status).toBe('needs-human');
  });

  it('stops a live run: its sessions end and it is recorded as stopped', async () => {
    const { runId, paths } = await t.store.create('run-20260601000000');
    const log = new SessionsLog(paths.sessions, {
      runId,
      socket: t.tmux.socket,
      managerSession: sessionName(runId, 'manager'),
      issueUrl: null,
      pid: null,
    });
    await log.upsertWorker(worker('w1', runId, 'REPRO_BUILDER', 'running', 0, null));
    await log.upsertWorker(worker('w2', runId, 'REPRO_BUILDER', 'finished', 0, 5));
    await writeJsonAtomic(paths.issue, issueSpec('Stopped bug', null));
    await t.tmux.newSession({ name: sessionName(runId, 'manager'), cwd: t.dir, command: 'sleep 300' });
    await t.tmux.newSession({ name: sessionName(runId, 'w1'), cwd: t.dir, command: 'sleep 300' });
    expect((await t.api(`/api/runs/${runId}/status`)).json().run_state).toBe('running');
    const stop = await t.api(`/api/runs/${runId}/stop`, { method: 'POST', body: '{}' });
    expect(stop.status).toBe(200);
    expect(stop.json()).toEqual({ run_id: runId, status: 'stopped' });
    expect(await t.tmux.hasSession(sessionName(runId, 'manager'))).toBe(false);
    expect(await t.tmux.hasSession(sessionName(runId, 'w1'))).toBe(false);
    const status = (await t.api(`/api/runs/${runId}/status`)).json();
    expect(status.run_state).toBe('stopped');
    expect(status.decision.status).toBe('stopped');
    // No manager process recorded it, so the stop did: workers, run_done and a final.md to read.
    expect(status.workers.map((w: { worker_id: string; status: string }) => `${w.worker_id}:${w.status}`)).toEqual([
      'w1:stopped',
      'w2:finished',
    ]);
    expect(status.summary).toMatchObject({ total: 2, stopped: 1, finished: 1, unknown: 0 });
    expect(status.run_done.final_report_path).toBe(paths.finalReport);
    const report = await readFile(paths.finalReport, 'utf8');
    expect(report).toContain('**Status: stopped**');
    expect(report).toContain('Stopped bug');
    const again = await t.api(`/api/runs/${runId}/stop`, { method: 'POST' }); // stopping twice is fine
    expect(again.status).toBe(200);
    expect(again.json()).toEqual({ run_id: runId, status: 'stopped', already_finished: 'stopped' });
    expect((await t.api('/api/runs/run-20990101000000/stop', { method: 'POST' })).status).toBe(404);
  });

  it("sends to the run's manager: a command it answers; refuses what it cannot deliver", async () => {
    const { runId, paths } = await t.store.create('run-20260601000001');
    const log = new SessionsLog(paths.sessions, {
      runId,
      socket: t.tmux.socket,
      managerSession: sessionName(runId, 'manager'),
      issueUrl: null,
      pid: process.pid,
    });
    await log.upsertWorker({
      worker_id: 'w1',
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'finished',
      session_name: sessionName(runId, 'w1'),
      worktree_path: '',
      output_path: '',
      script_path: '',
      invocation: 'repro-w1',
      attempts: 1,
      started_at: null,
      finished_at: null,
      exit_code: 0,
      detail: null,
    });
    // This process plays the run's manager: it holds the run's lock and serves its control folder.
    const lock = await RunLock.acquire(paths.dir, runId);
    const printed: string[] = [];
    const steering = new Steering(
      async () => undefined,
      (l) => printed.push(l),
    );
    steering.current = 'validation';
    const stopServing = serveControl(paths.dir, (req) => steering.handle(req));
    try {
      const send = (worker: string, text: string) =>
        t.api(`/api/runs/${runId}/send`, { method: 'POST', body: JSON.stringify({ worker, text }) });
      const st = await send('manager', 'status');
      expect(st.status).toBe(200);
      expect(st.json()).toEqual({ run_id: runId, worker: 'manager', sent: true, delivered: 'command' });
      expect(printed).toEqual(['[status] phase: validation (no workers running)']);
      const bad = await send('manager', 'reboot');
      expect(bad.status).toBe(400);
      expect(bad.json().error).toMatch(/unknown manager command "reboot": use "skip", "extend <seconds>", "status"/);
      const skip = await send('manager', 'skip');
      expect(skip.status).toBe(409);
      expect(skip.json().error).toMatch(/no worker phase is running now \(the run is in validation\)/);
      const w1 = await send('w1', 'try again');
      expect(w1.status).toBe(409);
      expect(w1.json().error).toMatch(/w1 is not a worker of the running phase/);
    } finally {
      stopServing();
      await lock.release();
    }
    const gone = await t.api(`/api/runs/${runId}/send`, {
      method: 'POST',
      body: JSON.stringify({ worker: 'manager', text: 'status' }),
    });
    expect(gone.status).toBe(409);
    expect(gone.json().error).toMatch(/is not running: its manager has ended/);
  });
});
