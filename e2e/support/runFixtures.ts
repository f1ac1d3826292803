// Run folders for the dashboard's e2e tests, written with the project's own modules (RunStore, SessionsLog, events, writeDecision).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CandidateFile, Decision, HypothesesFile, IssueSpec, RankedHypothesis, WorkerRecord } from '../../common/artifacts';
import { writeDecision } from '../../main/manager/decision';
import { SessionsLog } from '../../main/manager/workers/sessionsLog';
import { appendEvent } from '../../main/runs/events';
import { writeJsonAtomic, writeTextAtomic, type RunPaths, type RunStore } from '../../main/runs/runStore';
import { sessionName, type Tmux } from '../../main/tmux/tmux';

export const DONE_RUN = 'run-20250301101500';
export const NEEDS_HUMAN_RUN = 'run-20250302083000';
export const LIVE_RUN = 'run-20250303140000';

// The finished run ends about now (writeDecision stamps run_finished with the real clock).
const T0 = Date.now() - 130_000;
const at = (sec: number) => new Date(T0 + sec * 1000);

export const ORIGINAL_SCRIPT = [
  'import sys',
  'sys.path.insert(0, ".")',
  'import statsmini',
  '',
  'def main():',
  '    data = []',
  '    print("computing the median of", data)',
  '    value = statsmini.median(data)',
  '    print(value)',
  '',
  'if __name__ == "__main__":',
  '    main()',
].join('\n');
export const MINIMAL_SCRIPT = 'import statsmini\nstatsmini.median([])\n';

export function issueSpec(title: string, url: string | null): IssueSpec {
  return {
    source: url ? 'github' : 'text',
    issue_url: url,
    repo: url ? { owner: 'acme', name: 'statsmini' } : null,
    number: url ? 7 : null,
    title,
    body: 'Calling `statsmini.median([])` raises `IndexError: list index out of range` instead of a clear error.',
    labels: ['bug'],
    signals: { exception_types: ['IndexError'], messages: ['list index out of range'], assertion_failures: [], exit_codes: [] },
    expected_failure_signals: ['IndexError', 'list index out of range'],
    constraints: [],
    target_paths: ['statsmini/core.py'],
    status: 'ok',
    reason: null,
    fetched_at: at(1).toISOString(),
  };
}

export function worker(
  id: string,
  runId: string,
  role: WorkerRecord['role'],
  status: WorkerRecord['status'],
  start: number,
  end: number | null,
): WorkerRecord {
  const phase = role === 'TRIAGER' ? 'triage' : 'repro';
  return {
    worker_id: id,
    role,
    phase,
    status,
    session_name: sessionName(runId, id),
    worktree_path: `/tmp/mminions-${runId}-${id}`,
    output_path: `/tmp/${runId}/${id}.json`,
    script_path: `/tmp/${runId}/scripts/${phase}-${id}.sh`,
    invocation: `${phase}-${id}`,
    attempts: 1,
    started_at: at(start).toISOString(),
    finished_at: end === null ? null : at(end).toISOString(),
    exit_code: end === null ? null : 0,
    detail: null,
  };
}

function candidate(
  workerId: string,
  id: string,
  script: string,
  matches: number,
  passed: boolean,
  score: number,
  rejection: string | null,
): CandidateFile {
  return {
    worker_id: workerId,
    candidate_id: id,
    script,
    setup_commands: [],
    oracle_command: 'python3 {repro_file}',
    claimed_failure_signature: 'IndexError: list index out of range',
    file_extension: 'py',
    validation: {
      total_runs: 3,
      matches,
      matched_signature: matches > 0 ? 'IndexError: list index out of range' : null,
      passed,
      setup_ok: true,
      runs: Array.from({ length: 3 }, (_, i) => ({
        exit_code: 1,
        timed_out: false,
        duration_ms: 42 + i,
        matched: i < matches,
        failure_line: i < matches ? 'IndexError: list index out of range' : 'SyntaxError: invalid syntax',
        reason: i < matches ? 'final exception line matches the issue' : 'a SyntaxError is not the reported failure',
        repo_frames: i < matches ? ['statsmini/core.py:21 in median'] : [],
        output_tail: 'Traceback (most recent call last):\n  ...\nIndexError: list index out of range',
      })),
      repo_frames: ['statsmini/core.py:21 in median'],
    },
    score,
    score_parts: { determinism: 1, fidelity: 0.9, size: 0.6 },
    eligible: passed,
    rejection_reason: rejection,
  };
}

function hypothesis(
  workerId: string,
  id: string,
  mechanism: string,
  score: number,
  confidence: number,
  line: number,
): RankedHypothesis {
  return {
    hypothesis_id: id,
    worker_id: workerId,
    mechanism,
    evidence: [{ file: 'statsmini/core.py', line, snippet: '    return (data[mid - 1] + data[mid]) / 2' }],
    invalid_evidence: [],
    confidence,
    disconfirming_checks: ['median([1]) still returns 1', 'median([]) raises ValueError after the fix'],
    score,
    score_parts: { evidence: 0.9, agreement: 0.5, execution: 1, confidence },
    agreeing_workers: [workerId],
  };
}

async function telemetry(paths: RunPaths, invocation: string, input: number, cached: number, output: number): Promise<void> {
  const lines = [
    { type: 'thread.started', thread_id: `thread-${invocation}` },
    { type: 'turn.started' },
    { type: 'turn.completed', usage: { input_tokens: input, cached_input_tokens: cached, output_tokens: output } },
  ];
  await writeFile(join(paths.telemetryDir, `${invocation}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

/** A finished run with every artifact: candidates, minimal repro, hypotheses, decision, report, telemetry. */
export async function writeDoneRun(store: RunStore): Promise<RunPaths> {
  const { runId, paths } = await store.create(DONE_RUN);
  const ev = (sec: number, e: { type: string } & Record<string, unknown>) => appendEvent(paths.events, e, at(sec));
  const sessions = new SessionsLog(paths.sessions, {
    runId,
    socket: null,
    managerSession: sessionName(runId, 'manager'),
    issueUrl: 'https://github.com/acme/statsmini/issues/7',
    pid: null,
  });
  await writeJsonAtomic(
    paths.issue,
    issueSpec('median() raises IndexError on an empty list', 'https://github.com/acme/statsmini/issues/7'),
  );
  await sessions.upsertWorker(worker('w1', runId, 'REPRO_BUILDER', 'finished', 4, 40));
  await sessions.upsertWorker(worker('w2', runId, 'REPRO_BUILDER', 'finished', 4, 52));
  await sessions.upsertWorker(worker('w3', runId, 'TRIAGER', 'finished', 75, 110));
  await sessions.upsertWorker(worker('w4', runId, 'TRIAGER', 'timeout', 75, 125));

  await ev(0, { type: 'run_started', run_id: runId, repo_path: '/src/statsmini', workers: 2 });
  await ev(0, { type: 'phase_started', phase: 'preflight' });
  await ev(1, { type: 'phase_finished', phase: 'preflight', seconds: 1.2 });
  await ev(1, { type: 'phase_started', phase: 'issue' });
  await ev(2, { type: 'phase_finished', phase: 'issue', seconds: 0.8 });
  await ev(3, { type: 'phase_started', phase: 'repro' });
  for (const w of ['w1', 'w2'])
    await ev(4, {
      type: 'worker_status',
      worker: w,
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'running',
      detail: null,
      invocation: `repro-${w}`,
    });
  await ev(30, { type: 'worker_stalled', worker: 'w2', action: 'nudge', idle_sec: 25 });
  await ev(40, {
    type: 'worker_status',
    worker: 'w1',
    role: 'REPRO_BUILDER',
    phase: 'repro',
    status: 'finished',
    detail: null,
    invocation: 'repro-w1',
  });
  await ev(52, {
    type: 'worker_status',
    worker: 'w2',
    role: 'REPRO_BUILDER',
    phase: 'repro',
    status: 'finished',
    detail: null,
    invocation: 'repro-w2',
  });
  await ev(52, { type: 'phase_finished', phase: 'repro', seconds: 49 });
  await ev(52, { type: 'phase_started', phase: 'validation' });
  await ev(58, {
    type: 'candidate_validated',
    worker: 'w1',
    candidate_id: 'median-empty',
    matches: 3,
    total_runs: 3,
    passed: true,
  });
  await ev(59, {
    type: 'candidate_validated',
    worker: 'w2',
    candidate_id: 'median-syntax',
    matches: 1,
    total_runs: 3,
    passed: false,
  });
  await ev(60, { type: 'candidate_chosen', worker: 'w1', candidate_id: 'median-empty', score: 0.92 });
  await ev(60, { type: 'phase_finished', phase: 'validation', seconds: 8 });
  await ev(60, { type: 'phase_started', phase: 'minimize' });
  await ev(61, { type: 'reduction_step', step: 'llm', status: 'started' });
  await ev(66, { type: 'reduction_step', step: 'llm', status: 'accepted', detail: 'still fails through statsmini/core.py:21' });
  await ev(73, { type: 'reduction_step', step: 'ddmin', lines_before: 5, lines_after: 2, oracle_runs: 9, cache_hits: 3 });
  await ev(74, { type: 'phase_finished', phase: 'minimize', seconds: 14 });
  await ev(74, { type: 'phase_started', phase: 'triage' });
  for (const w of ['w3', 'w4'])
    await ev(75, {
      type: 'worker_status',
      worker: w,
      role: 'TRIAGER',
      phase: 'triage',
      status: 'running',
      detail: null,
      invocation: `triage-${w}`,
    });
  await ev(110, {
    type: 'worker_status',
    worker: 'w3',
    role: 'TRIAGER',
    phase: 'triage',
    status: 'finished',
    detail: null,
    invocation: 'triage-w3',
  });
  await ev(125, {
    type: 'worker_status',
    worker: 'w4',
    role: 'TRIAGER',
    phase: 'triage',
    status: 'timeout',
    detail: 'no answer within 50 s',
    invocation: 'triage-w4',
  });
  const h1 = hypothesis(
    'w3',
    'h-empty-mid',
    'median() indexes data[mid - 1] without checking for an empty list: for [] mid is 0, so data[-1] on an empty list raises IndexError.',
    0.87,
    0.8,
    21,
  );
  const h2 = hypothesis(
    'w3',
    'h-sorted',
    'sorted() of None would raise TypeError first, so the empty-list path is reached only with [] — the missing guard is in median itself.',
    0.41,
    0.35,
    17,
  );
  await ev(126, {
    type: 'hypothesis_ranked',
    rank: 1,
    worker: 'w3',
    hypothesis_id: h1.hypothesis_id,
    score: h1.score,
    score_parts: h1.score_parts,
  });
  await ev(126, {
    type: 'hypothesis_ranked',
    rank: 2,
    worker: 'w3',
    hypothesis_id: h2.hypothesis_id,
    score: h2.score,
    score_parts: h2.score_parts,
  });
  await ev(127, { type: 'phase_finished', phase: 'triage', seconds: 53 });

  const c1 = candidate('w1', 'median-empty', ORIGINAL_SCRIPT, 3, true, 0.92, null);
  const c2 = candidate(
    'w2',
    'median-syntax',
    'import statsmini\nprint(statsmini.median([])\n',
    1,
    false,
    0.21,
    'matched only 1 of 3 runs: a SyntaxError is not the reported failure',
  );
  await writeJsonAtomic(paths.candidate('w1'), c1);
  await writeJsonAtomic(paths.candidate('w2'), c2);
  await writeJsonAtomic(paths.selectedCandidate, c1);
  await writeTextAtomic(paths.minimalRepro('py'), MINIMAL_SCRIPT);
  const hyps: HypothesesFile = {
    ranked: [h1, h2],
    top: [h1],
    dropped: [{ worker_id: 'w4', hypothesis_id: 'h-late', reason: 'no answer (timed out)' }],
    created_at: at(127).toISOString(),
  };
  await writeJsonAtomic(paths.hypotheses, hyps);
  await telemetry(paths, 'repro-w1', 42_000, 30_000, 2_100);
  await telemetry(paths, 'repro-w2', 51_000, 12_000, 3_400);
  await telemetry(paths, 'reducer', 8_000, 0, 600);
  await telemetry(paths, 'triage-w3', 61_000, 40_000, 4_800);
  await telemetry(paths, 'triage-w4', 20_000, 5_000, 900);
  await writeFile(
    join(paths.agentsDir, 'repro-w1.pane.txt'),
    '$ codex exec ...\nwrote repro/candidates/w1.json\nSAVED-PANE-OF-W1\n',
  );

  const usage = (i: number, c: number, o: number, t = 1) => ({
    input_tokens: i,
    cached_input_tokens: c,
    output_tokens: o,
    turns: t,
  });
  const decision: Decision = {
    status: 'ok',
    selected_repro_candidate_id: 'median-empty',
    rationale:
      "Reproduced deterministically (3/3 runs) with w1's candidate, minimized to 2 lines; the top hypothesis (w3, score 0.87) points at statsmini/core.py:21.",
    top_hypotheses: [h1],
    next_fix_targets: ['statsmini/core.py:21 (median)'],
    diagnostics: [],
    created_at: at(128).toISOString(),
    preflight: { ok: true, checks: [{ name: 'git', ok: true, details: 'git 2.39' }] },
    repro: {
      path: join(paths.reproDir, 'minimal_repro.py'),
      oracle_command: 'python3 {repro_file}',
      claimed_failure_signature: 'IndexError: list index out of range',
      validation: { total_runs: 3, matches: 3, matched_signature: 'IndexError: list index out of range', passed: true },
    },
    metrics: {
      timing_sec: { preflight: 1.2, issue: 0.8, repro: 49, validation: 8, minimize: 14, triage: 53, total: 128 },
      tokens: {
        workers: usage(174_000, 87_000, 11_200, 4),
        manager: usage(8_000, 0, 600),
        total: usage(182_000, 87_000, 11_800, 5),
        by_source: {},
      },
      model_routing: { worker_model: 'gpt-5.2-codex', manager_model: 'gpt-5' },
      reduction: {
        lines_before_llm: 12,
        lines_after_llm: 5,
        lines_final: 2,
        llm_accepted: true,
        oracle_runs: 9,
        cache_hits: 3,
        seconds: 14,
      },
    },
  };
  const report = [
    '# median() raises IndexError on an empty list',
    '',
    'Status: **ok** — see [the issue](https://github.com/acme/statsmini/issues/7).',
    '',
    '## Minimal repro',
    '',
    '```python',
    MINIMAL_SCRIPT.trimEnd(),
    '```',
    '',
    '## Top hypothesis',
    '',
    '`statsmini/core.py:21` — median() indexes `data[mid - 1]` without an empty check.',
    '',
    'Agent text with markup: <script>window.__pwned = true</script> <img src=x onerror="window.__pwned = true"> and a [bad link](javascript:window.__pwned=true).',
    '',
    '| phase | seconds |',
    '|---|---|',
    '| repro | 49 |',
    '| triage | 53 |',
  ].join('\n');
  // writeDecision writes decision.json, final.md, run_done.json and the run_finished event (with the real clock).
  await writeDecision(runId, paths, decision, report);
  return paths;
}

/** A run that stopped for a person: preflight failed. */
export async function writeNeedsHumanRun(store: RunStore): Promise<RunPaths> {
  const { runId, paths } = await store.create(NEEDS_HUMAN_RUN);
  await new SessionsLog(paths.sessions, {
    runId,
    socket: null,
    managerSession: sessionName(runId, 'manager'),
    issueUrl: null,
    pid: null,
  }).flush();
  await writeJsonAtomic(paths.issue, issueSpec('Flaky CSV export in reports', null));
  await appendEvent(paths.events, { type: 'run_started', run_id: runId, repo_path: '/src/reports', workers: 2 });
  await appendEvent(paths.events, { type: 'phase_started', phase: 'preflight' });
  await appendEvent(paths.events, { type: 'phase_finished', phase: 'preflight', seconds: 0.4 });
  const d: Decision = {
    status: 'needs-human',
    selected_repro_candidate_id: null,
    rationale: 'Preflight failed: codex (not logged in).',
    top_hypotheses: [],
    next_fix_targets: [],
    diagnostics: [],
    created_at: new Date().toISOString(),
    preflight: { ok: false, checks: [{ name: 'codex', ok: false, details: 'not logged in' }] },
    repro: null,
    metrics: {
      timing_sec: { preflight: 0.4, total: 0.5 },
      tokens: {
        workers: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 },
        manager: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 },
        total: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 },
        by_source: {},
      },
      model_routing: { worker_model: 'gpt-5.2-codex', manager_model: 'gpt-5' },
    },
  };
  await writeDecision(runId, paths, d, '# Flaky CSV export in reports\n\nPreflight failed: codex is not logged in.\n');
  return paths;
}

export interface LiveRun {
  paths: RunPaths;
  managerSession: string;
  w1Session: string;
}

/**
 * A running run: real tmux sessions (a shell each) for the manager and worker w1 on the test's
 * private tmux server, w2 still pending, events up to the repro phase. No manager process (pid null).
 */
export async function writeLiveRun(store: RunStore, tmux: Tmux, cwd: string): Promise<LiveRun> {
  const { runId, paths } = await store.create(LIVE_RUN);
  const managerSession = sessionName(runId, 'manager');
  const w1Session = sessionName(runId, 'w1');
  await mkdir(cwd, { recursive: true });
  const shell = 'env PS1="$ " bash --norc --noprofile';
  await tmux.newSession({ name: managerSession, cwd, command: shell, width: 120, height: 30 });
  await tmux.newSession({ name: w1Session, cwd, command: shell, width: 120, height: 30 });
  await tmux.sendText(w1Session, 'echo WORKER-W1-READY');
  const sessions = new SessionsLog(paths.sessions, {
    runId,
    socket: tmux.socket,
    managerSession,
    issueUrl: 'https://github.com/acme/statsmini/issues/9',
    pid: null,
  });
  await writeJsonAtomic(paths.issue, issueSpec('convolve() drops the last sample', 'https://github.com/acme/statsmini/issues/9'));
  const now = Date.now();
  await sessions.upsertWorker({
    ...worker('w1', runId, 'REPRO_BUILDER', 'running', 0, null),
    started_at: new Date(now - 20_000).toISOString(),
  });
  await sessions.upsertWorker({
    ...worker('w2', runId, 'REPRO_BUILDER', 'pending', 0, null),
    session_name: sessionName(runId, 'w2'),
    started_at: null,
  });
  const ev = (ago: number, e: { type: string } & Record<string, unknown>) =>
    appendEvent(paths.events, e, new Date(now - ago * 1000));
  await ev(30, { type: 'run_started', run_id: runId, repo_path: cwd, workers: 2 });
  await ev(30, { type: 'phase_started', phase: 'preflight' });
  await ev(29, { type: 'phase_finished', phase: 'preflight', seconds: 1 });
  await ev(29, { type: 'phase_started', phase: 'issue' });
  await ev(28, { type: 'phase_finished', phase: 'issue', seconds: 1 });
  await ev(27, { type: 'phase_started', phase: 'repro' });
  await ev(20, {
    type: 'worker_status',
    worker: 'w1',
    role: 'REPRO_BUILDER',
    phase: 'repro',
    status: 'running',
    detail: null,
    invocation: 'repro-w1',
  });
  await telemetry(paths, 'repro-w1', 12_000, 4_000, 800);
  return { paths, managerSession, w1Session };
}
