// Verifies the fixers' patches by execution, each in a fresh worktree and in the sandbox: applies, the repros' failure gone, its check fail-to-pass, no new test failures.
import { readFile, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type {
  CandidateFile,
  FixCheck,
  FixGridRow,
  FixRecord,
  FixRunOutcome,
  FixSummaryFile,
  HypothesesFile,
  IssueSpec,
  RankedHypothesis,
} from '../../../common/artifacts';
import { oneLine } from '../../../common/text';
import { classifyPatchedRepro, isRaiseStatement, type RaiseKind } from '../../fix/outcome';
import { applyPatch } from '../../fix/patch';
import type { Worktree } from '../../git/worktrees';
import { runUntrusted } from '../../process/untrusted';
import { writeJsonAtomic } from '../../runs/runStore';
import type { MinimizeOutcome } from '../minimize/minimizePhase';
import { extractFailure, normalizeMessage, repoFrameDetails } from '../repro/failure';
import { mapBounded, type ReproOutcome } from '../repro/reproPhase';
import { fillPlaceholders, type JudgedRun, oracleEnv, outputTail, validateCandidate, validationPlace } from '../repro/validate';
import type { RunContext } from '../runContext';
import { fixRecordBase, type ProposedFix } from './fixPhase';

const VERIFY_CONCURRENCY = 2;

/** How a run's failure was raised (see RaiseKind): the innermost frame, and the source line it points at. */
export async function raiseKind(
  output: string,
  exitCode: number | null,
  worktree: string,
  reproFile: string,
): Promise<RaiseKind> {
  const failure = extractFailure(output, exitCode, worktree);
  const inner = failure.frames.at(-1);
  if (!inner || !failure.exceptionType) return 'none';
  const [frame] = repoFrameDetails({ ...failure, frames: [inner] }, worktree, reproFile);
  if (!frame) return 'outside';
  try {
    // Only a file inside the worktree is read (a patch could add a symlink pointing elsewhere).
    const root = await realpath(worktree);
    const file = await realpath(join(worktree, frame.file));
    const rel = relative(root, file);
    if (rel.startsWith('..') || rel === '') return 'crash';
    const line = (await readFile(file, 'utf8')).split('\n')[frame.line - 1] ?? '';
    return isRaiseStatement(line) ? 'deliberate' : 'crash';
  } catch {
    return 'crash';
  }
}

/** Test names a test command reports as failing (pytest, unittest, TAP / node --test, jest, mocha). */
export function failingTests(output: string): string[] {
  const names = new Set<string>();
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const line = raw.trimEnd();
    let m = /^(?:FAILED|ERROR) (\S+\.py(?:::\S+)?)/.exec(line);
    if (m) names.add(m[1]!);
    m = /^(?:FAIL|ERROR): (\S+) \(([^)]+)\)/.exec(line);
    if (m) names.add(m[2]!.endsWith(`.${m[1]}`) ? m[2]! : `${m[2]}.${m[1]}`);
    m = /^\s*not ok \d+ - (.+?)(?:\s+#.*)?$/.exec(line);
    if (m) names.add(m[1]!.trim());
    m = /^\s*[✖✕×] (.+?)(?: \(\d+(?:\.\d+)? ?m?s\))?$/.exec(line);
    if (m && !/^failing tests:?$/i.test(m[1]!)) names.add(m[1]!.trim());
  }
  return [...names].sort();
}

function lastLine(output: string): string {
  return oneLine(
    outputTail(output)
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? '',
    200,
  );
}

/** A check or the test command, once: exit 0 is a pass. */
interface SingleRun {
  passed: boolean;
  /** Failed by its own verdict (a non-zero exit), not by timing out or being unable to start. */
  failed: boolean;
  outcome: FixRunOutcome;
  output: string;
}

function single(exitCode: number | null, timedOut: boolean, output: string, spawnError?: string | null): SingleRun {
  const passed = exitCode === 0 && !timedOut;
  const cannotRun = !!spawnError || exitCode === 126 || exitCode === 127;
  const what = timedOut
    ? 'timed out'
    : spawnError
      ? `could not start: ${spawnError}`
      : `exit ${exitCode ?? 'none'}${exitCode !== 0 && lastLine(output) ? `: ${lastLine(output)}` : ''}`;
  return {
    passed,
    failed: !passed && !timedOut && !cannotRun,
    outcome: { runs: 1, failing: passed ? 0 : 1, outcome: what, timed_out: timedOut },
    output,
  };
}

function judgedSingle(run: JudgedRun | undefined, setupError: string | null): SingleRun {
  if (!run) return single(null, false, '', setupError ?? 'it did not run');
  return single(run.exit_code, run.timed_out, run.output_tail);
}

/** Where every run of one worktree goes: the run's sandbox, the repro's interpreter, the issue's signals. */
function place(ctx: RunContext, issue: IssueSpec, python: string, wt: Worktree) {
  return validationPlace(ctx, issue, python, wt.path);
}

/** A fixer's check, run once in a worktree (the chosen candidate's setup has already run there). */
async function runCheck(ctx: RunContext, issue: IssueSpec, python: string, wt: Worktree, id: string, check: FixCheck) {
  const v = await validateCandidate({
    ...place(ctx, issue, python, wt),
    answer: {
      candidate_id: `check-${id}`,
      script: check.script,
      setup_commands: [],
      oracle_command: check.command.replace(/\{check_file\}/g, '{repro_file}'),
      claimed_failure_signature: '',
      file_extension: check.file_extension,
    },
    runs: 1,
    minMatches: 1,
    skipSetup: true,
  });
  return judgedSingle(v.runs[0], v.setup_error);
}

async function runTests(ctx: RunContext, python: string, wt: Worktree): Promise<SingleRun | null> {
  const command = ctx.config.fix.test_command.trim();
  if (!command) return null;
  const r = await runUntrusted(fillPlaceholders(command, { reproFile: '', python }), {
    sandbox: ctx.sandbox,
    signal: ctx.signal,
    cwd: wt.path,
    network: ctx.sandbox.settings.oracle_network,
    env: oracleEnv(wt.path, python),
    interpreters: [python],
    timeoutMs: ctx.config.fix.test_timeout_sec * 1000,
    maxOutputBytes: 4_000_000,
  });
  return single(r.exitCode, r.timedOut, r.output, r.spawnError);
}

/** The repro of a grid row: a validated candidate, or the minimal repro (the chosen candidate's command). */
interface GridRepro {
  kind: 'repro' | 'minimal_repro';
  id: string;
  worker_id: string;
  answer: CandidateFile;
  before: FixRunOutcome;
  /**
   * The failure lines with which it matched the issue before the patch (normalized). With the
   * patch, a run ending with one of them still shows the bug; a different failure is judged by how
   * it was raised (classifyPatchedRepro). Not the issue's signals: those also hold the message the
   * issue asks for ("expected: ValueError: signal cannot be empty").
   */
  issueLines: string[];
}

type Validated = {
  validation: {
    total_runs: number;
    matches: number;
    matched_signature: string | null;
    runs?: Array<{ matched: boolean; failure_line: string | null }>;
  };
};

function issueLines(c: Validated): string[] {
  const lines = (c.validation.runs ?? [])
    .filter((r) => r.matched && r.failure_line)
    .map((r) => normalizeMessage(r.failure_line!));
  return [...new Set(lines)];
}

/** The validated repros, then the minimal one: what every patch must make pass. */
export function gridRepros(repro: ReproOutcome, minimized: MinimizeOutcome): GridRepro[] {
  const validated = repro.candidates.filter((c) => c.validation.passed && c.eligible !== false);
  const before = (c: Validated) => ({
    runs: c.validation.total_runs,
    failing: c.validation.matches,
    outcome: c.validation.matched_signature ?? 'matched the issue',
    timed_out: false,
  });
  return [
    ...validated.map((c) => ({
      kind: 'repro' as const,
      id: c.candidate_id,
      worker_id: c.worker_id,
      answer: c,
      before: before(c),
      issueLines: issueLines(c),
    })),
    {
      kind: 'minimal_repro' as const,
      id: 'minimal',
      worker_id: minimized.candidate.worker_id,
      answer: { ...minimized.candidate, candidate_id: 'minimal', script: minimized.script },
      before: before({ validation: minimized.validation }),
      issueLines: issueLines({ validation: minimized.validation }),
    },
  ];
}

/** k runs of a repro with the patch: its row, ok when every run is `fixed` (see classifyPatchedRepro). */
async function reproRow(
  ctx: RunContext,
  issue: IssueSpec,
  python: string,
  wt: Worktree,
  r: GridRepro,
  skipSetup: boolean,
): Promise<FixGridRow> {
  const k = ctx.config.manager.repro_validation_runs;
  const v = await validateCandidate({ ...place(ctx, issue, python, wt), answer: r.answer, runs: k, minMatches: k, skipSetup });
  const row = (after: FixRunOutcome, ok: boolean): FixGridRow => ({
    kind: r.kind,
    id: r.id,
    worker_id: r.worker_id,
    before: r.before,
    after,
    ok,
  });
  if (!v.setup_ok)
    return row({ runs: 0, failing: 0, outcome: oneLine(v.setup_error ?? 'setup failed', 300), timed_out: false }, false);
  const verdicts = await Promise.all(
    v.runs.map(async (run) =>
      classifyPatchedRepro({
        exitCode: run.exit_code,
        timedOut: run.timed_out,
        matched: r.issueLines.length
          ? !!run.failure_line && r.issueLines.includes(normalizeMessage(run.failure_line))
          : run.matched,
        failureLine: run.failure_line,
        raise: await raiseKind(run.output_tail, run.exit_code, wt.path, v.repro_path),
      }),
    ),
  );
  const bad = verdicts.find((x) => x.classification !== 'fixed');
  const ok = verdicts.length === k && !bad;
  return row(
    {
      runs: v.runs.length,
      failing: verdicts.filter((x) => x.classification === 'bug_present').length,
      outcome: oneLine((bad ?? verdicts[0])?.note ?? 'no run', 300),
      timed_out: v.runs.some((x) => x.timed_out),
    },
    ok,
  );
}

/** What runs on the code at the run's commit, once for all patches: every check, the tests. */
interface Baseline {
  checks: Map<string, SingleRun>;
  tests: SingleRun | null;
}

async function baseline(ctx: RunContext, issue: IssueSpec, python: string, repros: GridRepro[], checks: Map<string, FixCheck>) {
  const wt = await ctx.pool.acquire({ kind: 'verification', label: 'base' });
  try {
    // The chosen candidate's setup, once (the minimal repro's run also shows the bug is still there).
    const minimal = repros.find((r) => r.kind === 'minimal_repro')!;
    await validateCandidate({ ...place(ctx, issue, python, wt), answer: minimal.answer, runs: 1, minMatches: 1 });
    const out: Baseline = { checks: new Map(), tests: null };
    for (const [id, check] of checks) out.checks.set(id, await runCheck(ctx, issue, python, wt, id, check));
    out.tests = await runTests(ctx, python, wt);
    return out;
  } finally {
    ctx.pool.release([wt]);
  }
}

async function verifyOne(
  ctx: RunContext,
  issue: IssueSpec,
  python: string,
  p: ProposedFix,
  repros: GridRepro[],
  checks: Map<string, FixCheck>,
  base: Baseline,
): Promise<{ record: FixRecord; checkResults: Map<string, boolean> }> {
  const checkResults = new Map<string, boolean>();
  const done = (over: Partial<FixRecord> & Pick<FixRecord, 'verdict' | 'reason'>): FixRecord => ({
    ...fixRecordBase(p),
    ...over,
    created_at: new Date().toISOString(),
  });
  if (p.problem || !p.patchPath) return { record: done({ verdict: 'rejected', reason: p.problem ?? 'no patch' }), checkResults };
  const wt = await ctx.pool.acquire({ kind: 'verification', label: p.fixId });
  try {
    try {
      await applyPatch(wt, p.patchPath);
    } catch (err) {
      return { record: done({ verdict: 'rejected', reason: `does not apply: ${(err as Error).message}` }), checkResults };
    }
    const grid: FixGridRow[] = [];
    // The first repro runs its setup in this worktree; the rest (the same chosen setup or their own) too.
    for (const r of repros) grid.push(await reproRow(ctx, issue, python, wt, r, r.kind === 'minimal_repro'));
    for (const [id, check] of checks) {
      const after = await runCheck(ctx, issue, python, wt, id, check);
      checkResults.set(id, after.passed);
      const before = base.checks.get(id);
      grid.push({
        kind: 'check',
        id,
        worker_id: id,
        before: before?.outcome ?? null,
        after: after.outcome,
        ok: after.passed,
      });
    }
    const own = checks.has(p.fixId)
      ? {
          fails_before: base.checks.get(p.fixId)?.failed ?? false,
          passes_after: checkResults.get(p.fixId) ?? false,
        }
      : null;
    const others = [...checkResults].filter(([id]) => id !== p.fixId);
    const afterTests = base.tests ? await runTests(ctx, python, wt) : null;
    let tests: FixRecord['tests'] = null;
    if (base.tests && afterTests) {
      const before = new Set(failingTests(base.tests.output));
      let newFailures = failingTests(afterTests.output).filter((t) => !before.has(t));
      if (newFailures.length === 0 && base.tests.passed && !afterTests.passed) {
        newFailures = [`${ctx.config.fix.test_command} (${afterTests.outcome.outcome})`];
      }
      tests = {
        command: ctx.config.fix.test_command,
        before: base.tests.outcome,
        after: afterTests.outcome,
        new_failures: newFailures,
      };
    }

    const reasons: string[] = [];
    for (const row of grid.filter((g) => g.kind !== 'check' && !g.ok)) {
      reasons.push(
        `${row.kind === 'minimal_repro' ? 'the minimal repro' : `repro ${row.id} (${row.worker_id})`} still fails: ${row.after.outcome}`,
      );
    }
    const ownBefore = base.checks.get(p.fixId);
    if (own && !own.fails_before) {
      reasons.push(
        `its check does not fail on the code at the run's commit (${ownBefore?.outcome.outcome ?? 'not run'}), so it does not test the bug`,
      );
    }
    if (own && !own.passes_after) {
      const row = grid.find((g) => g.kind === 'check' && g.id === p.fixId);
      reasons.push(`its check fails with the patch (${row?.after.outcome ?? 'not run'})`);
    }
    if (tests && tests.new_failures.length > 0) reasons.push(`new test failures: ${tests.new_failures.join(', ')}`);
    const repros_ = grid.filter((g) => g.kind !== 'check').length;
    const k = ctx.config.manager.repro_validation_runs;
    const verified = reasons.length === 0;
    return {
      record: done({
        verdict: verified ? 'verified' : 'rejected',
        reason: verified
          ? `the issue's failure is gone in all ${k} runs of ${repros_} repro(s); its check fails before the patch and passes with it${tests ? '; no new test failures' : ''}`
          : reasons.join('; '),
        own_check: own,
        other_checks: { passed: others.filter(([, ok]) => ok).length, total: others.length },
        grid,
        tests,
      }),
      checkResults,
    };
  } finally {
    ctx.pool.release([wt]);
  }
}

/** Best verified fix first: most of the other fixes' checks passed, then fewest changed lines, then the hypothesis's rank. */
export function rankFixes(records: FixRecord[], ranked: RankedHypothesis[]): FixRecord[] {
  const rankOf = (r: FixRecord) => {
    const i = ranked.findIndex((h) => h.hypothesis_id === r.hypothesis_id && h.worker_id === r.hypothesis_worker);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const order = { verified: 0, pending: 1, rejected: 2 } as const;
  return [...records].sort(
    (a, b) =>
      order[a.verdict] - order[b.verdict] ||
      b.other_checks.passed - a.other_checks.passed ||
      a.patch_lines.added + a.patch_lines.removed - (b.patch_lines.added + b.patch_lines.removed) ||
      rankOf(a) - rankOf(b),
  );
}

/** Hypotheses whose fix was verified are confirmed (with the best such fix) and move above the unconfirmed, in order. */
export function confirmHypotheses(file: HypothesesFile, fixes: FixRecord[]): HypothesesFile {
  const confirmedBy = new Map<string, string>();
  for (const f of fixes) {
    const key = `${f.hypothesis_worker}\u0000${f.hypothesis_id}`;
    if (f.verdict === 'verified' && !confirmedBy.has(key)) confirmedBy.set(key, f.fix_id);
  }
  const marked = file.ranked.map((h) => {
    const by = confirmedBy.get(`${h.worker_id}\u0000${h.hypothesis_id}`);
    return by ? { ...h, confirmed_by_fix: by } : h;
  });
  const ranked = [...marked.filter((h) => h.confirmed_by_fix), ...marked.filter((h) => !h.confirmed_by_fix)];
  const top = ranked.slice(0, Math.max(file.top.length, ranked.filter((h) => h.confirmed_by_fix).length ? 1 : 0));
  return { ...file, hypotheses: ranked, ranked, top };
}

/**
 * Verifies every proposed fix, writes fix/<id>.json and fix/summary.json (best first), and confirms
 * the hypotheses whose fix is verified (hypotheses.json re-ranked).
 */
export async function verifyFixes(o: {
  ctx: RunContext;
  issue: IssueSpec;
  repro: ReproOutcome;
  minimized: MinimizeOutcome;
  hypotheses: HypothesesFile;
  proposed: ProposedFix[];
}): Promise<{ summary: FixSummaryFile; hypotheses: HypothesesFile }> {
  const { ctx, issue } = o;
  const python = o.repro.python;
  const repros = gridRepros(o.repro, o.minimized);
  const candidates = o.proposed.filter((p) => !p.problem && p.patchPath);
  // Every check of a fixer that answered runs against every patch (and on the code at the run's commit).
  const checks = new Map<string, FixCheck>();
  for (const p of o.proposed) if (p.answer && !p.problem) checks.set(p.fixId, p.answer.check);
  const base: Baseline = candidates.length
    ? await baseline(ctx, issue, python, repros, checks)
    : { checks: new Map(), tests: null };
  const grid: Record<string, Record<string, boolean>> = {};
  for (const [id, r] of base.checks) grid[id] = { before: r.passed };
  const results = await mapBounded(o.proposed, VERIFY_CONCURRENCY, async (p) => {
    if (!p.problem) ctx.out(`  verifying ${p.fixId} (${p.workerId}) …`);
    const r = await verifyOne(ctx, issue, python, p, repros, checks, base);
    for (const [id, ok] of r.checkResults) (grid[id] ??= {})[p.fixId] = ok;
    await writeJsonAtomic(join(ctx.paths.fixDir, `${p.fixId}.json`), r.record);
    await ctx.emit(
      'fix_verified',
      {
        worker: p.workerId,
        fix_id: p.fixId,
        verdict: r.record.verdict === 'verified' ? 'verified' : 'rejected',
        reason: r.record.reason,
      },
      `  ${p.fixId}: ${r.record.verdict} — ${oneLine(r.record.reason, 240)}`,
    );
    return r.record;
  });
  const fixes = rankFixes(results, o.hypotheses.ranked);
  const verified = fixes.filter((f) => f.verdict === 'verified');
  const best = verified[0] ?? null;
  const minimalOk = best?.grid.some((g) => g.kind === 'minimal_repro' && g.ok) ?? false;
  const summary: FixSummaryFile = {
    status: best ? 'verified' : 'unverified',
    best_fix_id: best?.fix_id ?? null,
    best_patch_path: best?.patch_path ?? null,
    verified_fix_ids: verified.map((f) => f.fix_id),
    repro_fail_to_pass: !!best && minimalOk && !!best.own_check?.fails_before && !!best.own_check.passes_after,
    fixes,
    check_grid: grid,
    created_at: new Date().toISOString(),
  };
  const hypotheses = confirmHypotheses(o.hypotheses, fixes);
  if (verified.length) {
    await writeJsonAtomic(ctx.paths.hypotheses, hypotheses);
    for (const [i, h] of hypotheses.ranked.entries()) {
      await ctx.emit(
        'hypothesis_ranked',
        { rank: i + 1, worker: h.worker_id, hypothesis_id: h.hypothesis_id, score: h.score, score_parts: h.score_parts },
        h.confirmed_by_fix ? `  #${i + 1} ${h.worker_id}/${h.hypothesis_id} confirmed by fix ${h.confirmed_by_fix}` : undefined,
      );
    }
  }
  await writeJsonAtomic(ctx.paths.fixSummary, summary);
  return { summary, hypotheses };
}
