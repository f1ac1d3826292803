import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision, IssueSpec, RunDone, WorkerRecord } from '../../common/artifacts';
import { ConfigResponse, RunStatusResponse, RunsResponse } from '../../common/api';
import { SessionsLog } from '../manager/workers/sessionsLog';
import { writeJsonAtomic } from '../runs/runStore';
import { sessionName, Tmux } from '../tmux/tmux';
import { startStatusServer } from './server';
import { rawRequest, startTestServer, waitFor, type TestServer } from '../../testkit/testServer';

let t: TestServer;
const OLD = 'run-20260101000000';
const NEW = 'run-20260102000000';

const SEED_STATUS_KEYS = ['run_id', 'run_state', 'manager', 'workers', 'summary', 'decision', 'run_done'];
const SEED_MANAGER_KEYS = ['session_name', 'session_exists', 'pane_tail', 'issue_url'];
const SEED_WORKER_KEYS = [
  'worker_id',
  'role',
  'status',
  'session_name',
  'session_exists',
  'worktree_path',
  'output_path',
  'script_path',
  'pane_tail',
];
const SEED_SUMMARY_KEYS = ['total', 'active', 'finished', 'failed', 'timeout', 'unknown'];

function worker(runId: string, id: string, status: WorkerRecord['status'], root: string): WorkerRecord {
  return {
    worker_id: id,
    role: 'REPRO_BUILDER',
    phase: 'repro',
    status,
    session_name: sessionName(runId, id),
    worktree_path: `/tmp/mminions-${runId}-${id}`,
    output_path: join(root, runId, 'repro', 'candidates', `${id}.json`),
    script_path: join(root, runId, 'scripts', `repro-${id}.sh`),
    invocation: `repro-${id}`,
    attempts: 1,
    started_at: '2026-01-02T00:00:01.000Z',
    finished_at: status === 'finished' ? '2026-01-02T00:01:00.000Z' : null,
    exit_code: null,
    detail: null,
  };
}

const issue = (title: string, url: string | null): IssueSpec => ({
  source: url ? 'github' : 'file',
  issue_url: url,
  repo: null,
  number: null,
  title,
  body: 'body',
  labels: [],
  signals: { exception_types: [], messages: [], assertion_failures: [], exit_codes: [] },
  expected_failure_signals: [],
  constraints: [],
  target_paths: [],
  status: 'ok',
  reason: null,
  fetched_at: '2026-01-01T00:00:00.000Z',
});

beforeAll(async () => {
  t = await startTestServer();
  // An old finished run...
  const old = await t.store.create(OLD);
  await writeJsonAtomic(old.paths.issue, issue('Old bug', null));
  const decision = { status: 'needs-human', rationale: 'no repro' } as Partial<Decision>;
  await writeJsonAtomic(old.paths.decision, decision);
  const done: RunDone = {
    run_id: OLD,
    status: 'needs-human',
    decision_path: old.paths.decision,
    final_report_path: null,
    finished_at: '2026-01-01T00:10:00.000Z',
  };
  await writeJsonAtomic(old.paths.runDone, done);
  // ...and a running one: a live manager session, w1 finished (session gone), w2 running.
  const cur = await t.store.create(NEW);
  await writeJsonAtomic(cur.paths.issue, issue('New bug', 'https://github.com/o/r/issues/7'));
  const log = new SessionsLog(cur.paths.sessions, {
    runId: NEW,
    socket: t.tmux.socket,
    managerSession: sessionName(NEW, 'manager'),
    issueUrl: 'https://github.com/o/r/issues/7',
    pid: null,
  });
  await log.upsertWorker(worker(NEW, 'w1', 'finished', t.root));
  await log.upsertWorker(worker(NEW, 'w2', 'running', t.root));
  await t.tmux.newSession({
    name: sessionName(NEW, 'manager'),
    cwd: t.dir,
    command: 'seq 1 30; echo manager-says-$((6*7)); sleep 300',
  });
  await t.tmux.newSession({ name: sessionName(NEW, 'w2'), cwd: t.dir, command: 'echo worker-two-alive; sleep 300' });
  await waitFor(
    async () => (await t.tmux.capturePane(sessionName(NEW, 'manager'), 50)).includes('manager-says-42'),
    'manager output',
  );
  await waitFor(async () => (await t.tmux.capturePane(sessionName(NEW, 'w2'), 50)).includes('worker-two-alive'), 'worker output');
});

afterAll(async () => {
  await t?.cleanup();
});

describe('GET /health', () => {
  it('answers {"ok": true} without a token', async () => {
    const r = await t.req('/health');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.json()).toEqual({ ok: true });
  });
});

describe('GET /api/config', () => {
  it('gives the run form its defaults from the configuration', async () => {
    const r = await t.api('/api/config');
    expect(r.status).toBe(200);
    const body = ConfigResponse.strict().parse(r.json());
    const m = t.config.manager;
    expect(body.defaults).toEqual({
      repo_path: m.repo_path,
      runs_root: t.root,
      workers: 2,
      fix_workers: 2,
      timeout_sec: 300,
      worker_model: 'gpt-5.2-codex',
      manager_model: 'gpt-5',
      repro_validation_runs: 3,
      repro_min_matches: 2,
    });
  });
});

describe('GET /api/runs', () => {
  it("keeps the Python prototype's runs and count, oldest first (the Python prototype's order), and adds one item per run", async () => {
    const r = await t.api('/api/runs');
    expect(r.status).toBe(200);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['count', 'items', 'runs']);
    expect(body.runs).toEqual([OLD, NEW]);
    expect(body.count).toBe(2);
    RunsResponse.parse(body);
    expect(body.items).toEqual([
      {
        run_id: OLD,
        run_state: 'done',
        issue_title: 'Old bug',
        issue_url: null,
        started_at: null,
        decision_status: 'needs-human',
      },
      {
        run_id: NEW,
        run_state: 'running',
        issue_title: 'New bug',
        issue_url: 'https://github.com/o/r/issues/7',
        started_at: expect.any(String),
        decision_status: 'running',
      },
    ]);
  });

  it('does not list the server folder (.mminions) as a run', async () => {
    const body = (await t.api('/api/runs')).json();
    expect(body.runs).not.toContain('.mminions');
  });
});

describe('GET /api/runs/<id>/status', () => {
  it("returns the Python prototype's status object field by field, with live sessions and pane tails", async () => {
    const r = await t.api(`/api/runs/${NEW}/status?lines=120`);
    expect(r.status).toBe(200);
    const s = r.json();
    RunStatusResponse.strict().parse(s);
    expect(Object.keys(s).sort()).toEqual([...SEED_STATUS_KEYS].sort());
    expect(s.run_id).toBe(NEW);
    expect(s.run_state).toBe('running');
    expect(Object.keys(s.manager).sort()).toEqual([...SEED_MANAGER_KEYS].sort());
    expect(s.manager.session_name).toBe(`codorch-${NEW}-manager`);
    expect(s.manager.session_exists).toBe(true);
    expect(s.manager.pane_tail).toContain('manager-says-42');
    expect(s.manager.issue_url).toBe('https://github.com/o/r/issues/7');
    expect(s.workers).toHaveLength(2);
    for (const w of s.workers) for (const k of SEED_WORKER_KEYS) expect(w).toHaveProperty(k);
    const [w1, w2] = s.workers;
    expect(w1).toMatchObject({
      worker_id: 'w1',
      role: 'REPRO_BUILDER',
      status: 'finished',
      session_name: `codorch-${NEW}-w1`,
      session_exists: false,
      worktree_path: `/tmp/mminions-${NEW}-w1`,
      output_path: join(t.root, NEW, 'repro', 'candidates', 'w1.json'),
      script_path: join(t.root, NEW, 'scripts', 'repro-w1.sh'),
      pane_tail: '',
    });
    expect(w2.session_exists).toBe(true);
    expect(w2.pane_tail).toContain('worker-two-alive');
    expect(s.summary).toEqual({ total: 2, active: 1, finished: 1, failed: 0, timeout: 0, unknown: 0, stopped: 0 });
    expect(Object.keys(s.summary).sort()).toEqual([...SEED_SUMMARY_KEYS, 'stopped'].sort());
    expect(s.decision).toEqual({ status: 'running' });
    expect(s.run_done).toEqual({});
  });

  it('reports a finished run as done with its decision and run_done', async () => {
    const s = (await t.api(`/api/runs/${OLD}/status`)).json();
    expect(s.run_state).toBe('done');
    expect(s.manager.session_exists).toBe(false);
    expect(s.manager.pane_tail).toBe('');
    expect(s.decision.status).toBe('needs-human');
    expect(s.run_done).toMatchObject({ run_id: OLD, status: 'needs-human' });
    expect(s.workers).toEqual([]);
  });

  it('clamps lines to 10..500', async () => {
    const tail = async (q: string) =>
      (await t.api(`/api/runs/${NEW}/status${q}`)).json().manager.pane_tail.split('\n') as string[];
    const ten = await tail('?lines=3');
    expect(ten).toHaveLength(10);
    expect(ten.at(-1)).toBe('manager-says-42');
    expect(ten[0]).toBe('22');
    expect(await tail('?lines=0')).toHaveLength(10);
    const all = await tail('?lines=100000');
    expect(all[0]).toBe('1');
    expect(all).toHaveLength(31);
    expect(await tail('?lines=12')).toHaveLength(12);
    expect(await tail('')).toHaveLength(31); // --capture-lines default 120
  });

  it('refuses a lines value that is not a number, and an unknown run', async () => {
    const bad = await t.api(`/api/runs/${NEW}/status?lines=ten`);
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/lines/);
    const neg = await t.api(`/api/runs/${NEW}/status?lines=-5`);
    expect(neg.status).toBe(400);
    const missing = await t.api('/api/runs/run-19990101000000/status');
    expect(missing.status).toBe(404);
    expect(missing.json().error).toMatch(/no run run-19990101000000/);
  });
});

describe('the cost of a status request', () => {
  it('is one tmux snapshot (listing and captures in one process) per status request, one listing per run list', async () => {
    class CountingTmux extends Tmux {
      calls: string[] = [];
      override async listSessions() {
        this.calls.push('list');
        return super.listSessions();
      }
      override async capturePane(name: string, lines?: number, escapes?: boolean) {
        this.calls.push(`capture ${name}`);
        return super.capturePane(name, lines, escapes);
      }
      override async snapshot(names: string[], lines?: number) {
        this.calls.push(`snapshot ${names.join(' ')}`);
        return super.snapshot(names, lines);
      }
    }
    const counting = new CountingTmux(t.tmux.socket);
    const s = await startStatusServer({ config: t.config, tmux: counting, port: 0, quiet: true });
    try {
      const r = await rawRequest(s.port, `/api/runs/${NEW}/status`, { headers: { authorization: `Bearer ${s.token}` } });
      expect(r.json().manager.pane_tail).toContain('manager-says-42');
      // The manager and the running worker first (they are the likely-live ones); w1's session has ended.
      expect(counting.calls).toEqual([
        'snapshot codorch-run-20260102000000-manager codorch-run-20260102000000-w2 codorch-run-20260102000000-w1',
      ]);
      expect(
        r
          .json()
          .workers.map((w: { session_exists: boolean; pane_tail: string }) => [
            w.session_exists,
            w.pane_tail.includes('worker-two-alive'),
          ]),
      ).toEqual([
        [false, false],
        [true, true],
      ]);
      counting.calls.length = 0;
      await rawRequest(s.port, '/api/runs', { headers: { authorization: `Bearer ${s.token}` } });
      expect(counting.calls).toEqual(['list']);
    } finally {
      await s.close();
    }
  });
});

describe('GET /api/runs/<id>/artifacts/<name>', () => {
  it('serves every artifact that exists and 404s the ones not written yet', async () => {
    const p = t.store.paths(NEW);
    for (const name of ['decision', 'run_done', 'final', 'minimal_repro', 'hypotheses', 'selected_candidate']) {
      const r = await t.api(`/api/runs/${NEW}/artifacts/${name}`);
      expect(r.status, name).toBe(404);
      expect(r.json().error).toMatch(new RegExp(`no ${name} yet`));
    }
    expect((await t.api(`/api/runs/${NEW}/artifacts/candidates`)).json()).toEqual({ candidates: [] });
    expect((await t.api(`/api/runs/${NEW}/artifacts/telemetry`)).json()).toEqual({ invocations: [] });

    await writeJsonAtomic(p.candidate('w10'), { worker_id: 'w10', score: 1 });
    await writeJsonAtomic(p.candidate('w2'), { worker_id: 'w2', score: 2 });
    await writeFile(p.minimalRepro('py'), 'import x\nx.boom()\n');
    await writeJsonAtomic(p.hypotheses, { ranked: [], top: [], dropped: [], created_at: 'now' });
    await writeJsonAtomic(p.selectedCandidate, { worker_id: 'w2', minimal_script: 'x' });
    await writeFile(p.finalReport, '# Final report\n\nDone.\n');
    await mkdir(p.telemetryDir, { recursive: true });
    await writeFile(
      join(p.telemetryDir, 'repro-w1.jsonl'),
      [
        '{"type":"thread.started","thread_id":"th-1"}',
        '{"type":"item.completed","item":{"type":"command_execution"}}',
        '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":40,"output_tokens":7}}',
        '{"type":"error","message":"model hiccup"}',
        '',
      ].join('\n'),
    );
    await writeFile(join(p.telemetryDir, 'repro-w1.stderr.txt'), 'noise');

    const issueR = await t.api(`/api/runs/${NEW}/artifacts/issue`);
    expect(issueR.status).toBe(200);
    expect(issueR.json()).toMatchObject({ title: 'New bug', issue_url: 'https://github.com/o/r/issues/7' });
    const sessions = (await t.api(`/api/runs/${NEW}/artifacts/sessions`)).json();
    expect(sessions.workers.map((w: WorkerRecord) => w.worker_id)).toEqual(['w1', 'w2']);
    expect((await t.api(`/api/runs/${NEW}/artifacts/candidates`)).json()).toEqual({
      candidates: [
        { worker_id: 'w2', score: 2 },
        { worker_id: 'w10', score: 1 },
      ],
    });
    expect((await t.api(`/api/runs/${NEW}/artifacts/minimal_repro`)).json()).toEqual({
      path: p.minimalRepro('py'),
      ext: 'py',
      script: 'import x\nx.boom()\n',
    });
    expect((await t.api(`/api/runs/${NEW}/artifacts/hypotheses`)).json()).toEqual({
      ranked: [],
      top: [],
      dropped: [],
      created_at: 'now',
    });
    expect((await t.api(`/api/runs/${NEW}/artifacts/selected_candidate`)).json()).toMatchObject({ worker_id: 'w2' });
    const final = await t.api(`/api/runs/${NEW}/artifacts/final`);
    expect(final.status).toBe(200);
    expect(final.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(final.text).toBe('# Final report\n\nDone.\n');
    const tel = (await t.api(`/api/runs/${NEW}/artifacts/telemetry`)).json();
    expect(tel.invocations).toEqual([
      {
        invocation: 'repro-w1',
        usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 7, turns: 1 },
        thread_id: 'th-1',
        commands_run: 1,
        last_event_at: expect.any(Number),
        errors: ['model hiccup'],
      },
    ]);
    const old = await t.api(`/api/runs/${OLD}/artifacts/decision`);
    expect(old.json()).toEqual({ status: 'needs-human', rationale: 'no repro' });
  });

  it('re-reads an artifact after it changes (parsed once per change, not stale)', async () => {
    const p = t.store.paths(NEW);
    await writeJsonAtomic(p.hypotheses, { ranked: [], top: [], dropped: [], created_at: 'v1' });
    expect((await t.api(`/api/runs/${NEW}/artifacts/hypotheses`)).json().created_at).toBe('v1');
    await writeJsonAtomic(p.hypotheses, { ranked: [], top: [], dropped: [], created_at: 'v2-longer' });
    expect((await t.api(`/api/runs/${NEW}/artifacts/hypotheses`)).json().created_at).toBe('v2-longer');
  });

  it('refuses unknown artifact names', async () => {
    const r = await t.api(`/api/runs/${NEW}/artifacts/passwd`);
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/expected one of issue, sessions/);
  });
});
