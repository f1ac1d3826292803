// Benchmark (issue 8, part 4): status API latency against its floor. The real status server
// (startStatusServer, token auth as a client sends it) over a runs root of live runs written with
// the project's own modules (RunStore, SessionsLog, events), each with a manager and worker sessions
// that really run in tmux on a private socket. Measured side by side, interleaved in one loop:
//   floor   one bare `tmux -L <socket> list-sessions -F '#{session_name}'`, spawned as a process
//           exactly the way the status reader queries tmux (execa, the same argv);
//   list    GET /api/runs;
//   status  GET /api/runs/<id>/status (the runs in turn; default capture lines).
// Then the same with several clients at once (a dashboard and scripts polling together).
// Target: API p99 ≤ 3 × the floor's p99 (like for like; the ratio to the floor's p50 is printed
// too). Prints a markdown table, writes bench/results/statusApi(.smoke).json; asserts only
// correctness (200s, every run listed as running, every worker session shown live, and an ended
// session shown as ended in the very next request), never times.
// Smoke: 3 runs × 2 workers, 20 samples; full (MMINIONS_BENCH_FULL=1): 20 runs × 4 workers, 300 samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../common/artifacts';
import { buildConfig } from '../main/config/config';
import { SessionsLog } from '../main/manager/workers/sessionsLog';
import { appendEvent } from '../main/runs/events';
import { RunStore, writeJsonAtomic } from '../main/runs/runStore';
import { startStatusServer, type StatusServer } from '../main/server/server';
import { sessionName, type Tmux } from '../main/tmux/tmux';
import { privateTmux } from '../testkit/tmux';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const RUNS = FULL ? 20 : 3;
const WORKERS = FULL ? 4 : 2;
const SAMPLES = FULL ? 300 : 20;
const WARMUP = FULL ? 20 : 3;
/** Concurrent clients in the second phase, and how many rounds of them. */
const CLIENTS = FULL ? 4 : 2;
const ROUNDS = FULL ? 60 : 5;
const TARGET_RATIO = 3;

let dir = '';
let tmux: Tmux | null = null;
let server: StatusServer | null = null;
let runIds: string[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Timed {
  ms: number;
}
const seq: Record<'floor' | 'list' | 'status', number[]> = { floor: [], list: [], status: [] };
const conc: Record<'floor' | 'status', number[]> = { floor: [], status: [] };

/** A GET with the token in the Authorization header, as a script or the dashboard sends it. */
function get(path: string): Promise<{ status: number; body: string } & Timed> {
  const s = server!;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: '127.0.0.1',
        port: s.port,
        path,
        agent,
        headers: { authorization: `Bearer ${s.token}`, accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end();
  });
}

/** The floor: one bare `tmux list-sessions`, spawned the way main/tmux/tmux.ts does it. */
async function floor(): Promise<Timed & { sessions: number }> {
  const env = { ...process.env };
  delete env.TMUX;
  const t0 = performance.now();
  const res = await execa('tmux', [...tmux!.baseArgs(), 'list-sessions', '-F', '#{session_name}'], {
    reject: false,
    env,
    extendEnv: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  const ms = performance.now() - t0;
  expect(res.exitCode).toBe(0);
  return { ms, sessions: String(res.stdout).split('\n').filter(Boolean).length };
}

function worker(runId: string, i: number, at: Date): WorkerRecord {
  const id = `w${i}`;
  const role = i % 2 === 1 ? 'REPRO_BUILDER' : 'TRIAGER';
  const phase = role === 'TRIAGER' ? 'triage' : 'repro';
  return {
    worker_id: id,
    role,
    phase,
    status: 'running',
    session_name: sessionName(runId, id),
    worktree_path: `/tmp/mminions-${runId}-${id}`,
    output_path: join(dir, 'runs', runId, 'repro', 'candidates', `${id}.json`),
    script_path: join(dir, 'runs', runId, 'scripts', `${phase}-${id}.sh`),
    invocation: `${phase}-${id}`,
    attempts: 1,
    started_at: at.toISOString(),
    finished_at: null,
    exit_code: null,
    detail: null,
  };
}

/** A live run as the manager leaves it mid-phase: issue.json, sessions.json, events, and a live tmux session per worker and the manager. */
async function writeLiveRun(store: RunStore, n: number): Promise<string> {
  const runId = `run-20260101${String(120000 + n).padStart(6, '0')}`;
  const { paths } = await store.create(runId);
  const now = Date.now();
  const managerSession = sessionName(runId, 'manager');
  const cwd = dir;
  // Some output in every pane, so captures carry text like a real agent's terminal.
  const cmd = (who: string) => `for i in $(seq 1 80); do echo "${who} line $i: working on the repro"; done; exec sleep 600`;
  await tmux!.newSession({ name: managerSession, cwd, command: cmd('manager') });
  const log = new SessionsLog(paths.sessions, {
    runId,
    socket: tmux!.socket,
    managerSession,
    issueUrl: `https://github.com/acme/statsmini/issues/${n}`,
    pid: null,
  });
  await writeJsonAtomic(paths.issue, {
    source: 'github',
    issue_url: `https://github.com/acme/statsmini/issues/${n}`,
    repo: { owner: 'acme', name: 'statsmini' },
    number: n,
    title: `median() fails on input ${n}`,
    body: 'Calling `statsmini.median([])` raises IndexError.',
    labels: ['bug'],
    signals: { exception_types: ['IndexError'], messages: ['list index out of range'], assertion_failures: [], exit_codes: [] },
    expected_failure_signals: ['IndexError'],
    constraints: [],
    target_paths: ['statsmini/core.py'],
    status: 'ok',
    reason: null,
    fetched_at: new Date(now - 60_000).toISOString(),
  });
  const ev = (e: { type: string } & Record<string, unknown>) => appendEvent(paths.events, e, new Date(now - 30_000));
  await ev({ type: 'run_started', run_id: runId, repo_path: cwd, workers: WORKERS });
  await ev({ type: 'phase_started', phase: 'preflight' });
  await ev({ type: 'phase_finished', phase: 'preflight', seconds: 1 });
  await ev({ type: 'phase_started', phase: 'repro' });
  for (let i = 1; i <= WORKERS; i++) {
    const w = worker(runId, i, new Date(now - 20_000));
    await tmux!.newSession({ name: w.session_name, cwd, command: cmd(w.worker_id) });
    await log.upsertWorker(w);
    await ev({
      type: 'worker_status',
      worker: w.worker_id,
      role: w.role,
      phase: w.phase,
      status: 'running',
      detail: null,
      invocation: w.invocation,
    });
  }
  return runId;
}

function checkStatus(body: string, runId: string): void {
  const s = JSON.parse(body);
  expect(s.run_id).toBe(runId);
  expect(s.run_state).toBe('running');
  expect(s.manager.session_exists).toBe(true);
  expect(s.workers).toHaveLength(WORKERS);
  for (const w of s.workers) expect(w.session_exists, `${runId} ${w.worker_id} live`).toBe(true);
  expect(s.summary.active).toBe(WORKERS);
}

function checkList(body: string): void {
  const l = JSON.parse(body);
  expect(l.count).toBe(RUNS);
  expect(l.items.filter((i: { run_state: string }) => i.run_state === 'running')).toHaveLength(RUNS);
}

const r = (v: number) => Math.round(v * 10) / 10;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: r(percentile(xs, 50)),
  p90: r(percentile(xs, 90)),
  p99: r(percentile(xs, 99)),
  max: r(Math.max(...xs)),
});

describe(`status API benchmark (${MODE}: ${RUNS} runs × ${WORKERS} workers, ${SAMPLES} samples)`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-bench-status-'));
    const root = join(dir, 'runs');
    tmux = privateTmux('mmbench');
    const config = buildConfig({}, { file: null, env: {}, cwd: dir, overrides: { runs_root: root, tmux_socket: tmux.socket } });
    server = await startStatusServer({ config, port: 0, quiet: true, staticDir: join(dir, 'no-dashboard') });
    const store = new RunStore(root);
    runIds = [];
    for (let n = 0; n < RUNS; n++) runIds.push(await writeLiveRun(store, n));
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await server?.close();
    await tmux?.killServer();
    // tmux 3.3 leaves the socket file of a killed server behind: remove ours too.
    if (tmux?.socket)
      await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, tmux.socket), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('one request at a time: floor, GET /api/runs and GET /api/runs/<id>/status interleaved', async () => {
    const f0 = await floor();
    expect(f0.sessions).toBe(RUNS * (WORKERS + 1));
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const runId = runIds[i % runIds.length]!;
      // Rotate the order so that none of the three always follows another.
      const steps: Array<() => Promise<void>> = [
        async () => {
          const f = await floor();
          if (i >= WARMUP) seq.floor.push(f.ms);
        },
        async () => {
          const res = await get('/api/runs');
          expect(res.status).toBe(200);
          if (i === 0 || i === WARMUP + SAMPLES - 1) checkList(res.body);
          if (i >= WARMUP) seq.list.push(res.ms);
        },
        async () => {
          const res = await get(`/api/runs/${runId}/status`);
          expect(res.status).toBe(200);
          if (i < runIds.length || i === WARMUP + SAMPLES - 1) checkStatus(res.body, runId);
          if (i >= WARMUP) seq.status.push(res.ms);
        },
      ];
      for (let k = 0; k < 3; k++) await steps[(i + k) % 3]!();
    }
  }, 600_000);

  it(`${CLIENTS} clients at once: status requests of different runs, against as many floors at once`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const floors = await Promise.all(Array.from({ length: CLIENTS }, () => floor()));
      conc.floor.push(...floors.map((f) => f.ms));
      const ids = Array.from({ length: CLIENTS }, (_, c) => runIds[(round * CLIENTS + c) % runIds.length]!);
      const res = await Promise.all(ids.map((id) => get(`/api/runs/${id}/status`)));
      res.forEach((x, c) => {
        expect(x.status).toBe(200);
        if (round === 0) checkStatus(x.body, ids[c]!);
      });
      conc.status.push(...res.map((x) => x.ms));
    }
  }, 600_000);

  it('liveness follows tmux at once: an ended worker or manager session shows in the very next request', async () => {
    const runId = runIds[0]!;
    await tmux!.killSession(sessionName(runId, 'w1'));
    const s = JSON.parse((await get(`/api/runs/${runId}/status`)).body);
    expect(s.workers.map((w: { worker_id: string; session_exists: boolean }) => [w.worker_id, w.session_exists])).toEqual(
      Array.from({ length: WORKERS }, (_, i) => [`w${i + 1}`, i !== 0]),
    );
    expect(s.workers[0].pane_tail).toBe('');
    expect(s.workers[1].pane_tail).toContain('w2 line 80');
    await tmux!.killSession(sessionName(runId, 'manager'));
    const l = JSON.parse((await get('/api/runs')).body);
    expect(l.items.find((i: { run_id: string }) => i.run_id === runId).run_state).toBe('crashed'); // no manager session, no pid, no decision
    expect(l.items.filter((i: { run_state: string }) => i.run_state === 'running')).toHaveLength(RUNS - 1);
  });

  afterAll(async () => {
    if (seq.floor.length === 0) return;
    const floorS = stats(seq.floor);
    const listS = stats(seq.list);
    const statusS = stats(seq.status);
    const cFloor = conc.floor.length ? stats(conc.floor) : null;
    const cStatus = conc.status.length ? stats(conc.status) : null;
    const ratio = (x: { p99: number }, base: number) => r(x.p99 / base);
    const summary = {
      runs: RUNS,
      workersPerRun: WORKERS,
      liveSessions: RUNS * (WORKERS + 1),
      samples: SAMPLES,
      sequential: {
        floor: floorS,
        list: { ...listS, p99OverFloorP99: ratio(listS, floorS.p99), p99OverFloorP50: ratio(listS, floorS.p50) },
        status: { ...statusS, p99OverFloorP99: ratio(statusS, floorS.p99), p99OverFloorP50: ratio(statusS, floorS.p50) },
      },
      concurrent:
        cFloor && cStatus
          ? {
              clients: CLIENTS,
              rounds: ROUNDS,
              floor: cFloor,
              status: { ...cStatus, p99OverFloorP99: ratio(cStatus, cFloor.p99) },
            }
          : null,
      target: { apiP99OverFloorP99AtMost: TARGET_RATIO },
      met: ratio(listS, floorS.p99) <= TARGET_RATIO && ratio(statusS, floorS.p99) <= TARGET_RATIO,
      note: 'floor = one `tmux -L <socket> list-sessions -F #{session_name}` spawned with execa like main/tmux/tmux.ts; API times are client-side (request sent → body received, keep-alive connection, Bearer token)',
    };
    const file = await writeResults('statusApi', { summary, samples: { sequential: seq, concurrent: conc } });
    const row = (what: string, s: ReturnType<typeof stats>, base: ReturnType<typeof stats> | null) => [
      what,
      s.n,
      s.p50,
      s.p90,
      s.p99,
      s.max,
      base ? `${ratio(s, base.p99)}×` : '—',
      base ? `${ratio(s, base.p50)}×` : '—',
    ];
    const rows = [
      row('floor: tmux list-sessions', floorS, null),
      row('GET /api/runs', listS, floorS),
      row('GET /api/runs/<id>/status', statusS, floorS),
    ];
    if (cFloor && cStatus)
      rows.push(row(`floor, ${CLIENTS} at once`, cFloor, null), row(`status, ${CLIENTS} at once`, cStatus, cFloor));
    const table = markdownTable(
      ['request', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99 / floor p99', 'p99 / floor p50'],
      rows,
    );
    console.log(
      `\nStatus API (${MODE}: ${RUNS} runs × ${WORKERS} workers, ${summary.liveSessions} live tmux sessions) → ${file}\n\n${table}\n\n` +
        `target: API p99 ≤ ${TARGET_RATIO}× the floor's p99 (one request at a time) — ${summary.met ? 'met' : 'MISSED'}\n`,
    );
  });
});
