// The eval's decisions (pure): what an oracle run shows, whether a candidate patch is acceptable.
import type { Classification, OracleMatcher, OracleSpec } from '../eval/spec';

/** The part of an oracle run that classification looks at (a live run or a recorded fixture). */
export interface OracleObservation {
  exitCode: number | null;
  output: string;
  timedOut?: boolean;
  /** Why the command could not be started. */
  spawnError?: string | null;
}

export interface OracleVerdict {
  classification: Classification;
  /** Why, in one sentence. */
  note: string;
}

function matches(m: OracleMatcher, o: OracleObservation): boolean {
  if (m.exit_code !== undefined && o.exitCode !== m.exit_code) return false;
  if (m.output_matches !== undefined && !new RegExp(m.output_matches, 'm').test(o.output)) return false;
  return true;
}

/** The shell's exit codes for "found but not executable" and "not found". */
const CANNOT_RUN_EXIT = new Set([126, 127]);

export function classifyOracle(oracle: Pick<OracleSpec, 'bug_present' | 'fixed'>, o: OracleObservation): OracleVerdict {
  if (o.spawnError) return { classification: 'error', note: `the oracle could not be started: ${o.spawnError}` };
  if (o.timedOut)
    return { classification: 'error', note: 'the oracle did not finish within its timeout (its process group was killed)' };
  if (o.exitCode !== null && CANNOT_RUN_EXIT.has(o.exitCode)) {
    const last = o.output.trim().split('\n').pop() ?? '';
    return { classification: 'error', note: `the oracle command could not run (exit ${o.exitCode}${last ? `: ${last}` : ''})` };
  }
  const bug = matches(oracle.bug_present, o);
  const fixed = matches(oracle.fixed, o);
  if (bug && fixed)
    return {
      classification: 'unclassified',
      note: 'the output matches both the bug_present and the fixed matcher: the spec cannot tell them apart',
    };
  if (bug) return { classification: 'bug_present', note: 'the output matches the bug_present matcher' };
  if (fixed) return { classification: 'fixed', note: 'the output matches the fixed matcher' };
  return {
    classification: 'unclassified',
    note: `the output (exit ${o.exitCode ?? 'none'}) matches neither the bug_present nor the fixed matcher`,
  };
}

export interface PatchValidation {
  accepted: boolean;
  /** Why it was rejected (empty when accepted). */
  reasons: string[];
  bytes: number;
  files_touched: string[];
  expected_files: string[];
  expected_files_touched: string[];
}

/** True when `file` is `expected` or, for an expected folder ("dir/"), inside it. */
export function touchesExpected(file: string, expected: string): boolean {
  return expected.endsWith('/') ? file.startsWith(expected) : file === expected;
}

/** A candidate patch is rejected when it is empty or touches none of the expected files. */
export function validatePatch(patch: string, filesTouched: string[], expectedFiles: string[]): PatchValidation {
  const files = [...new Set(filesTouched)].sort();
  const hit = files.filter((f) => expectedFiles.some((e) => touchesExpected(f, e)));
  const reasons: string[] = [];
  if (!patch.trim() || files.length === 0) reasons.push('empty patch: the agent changed no file');
  else if (hit.length === 0)
    reasons.push(`the patch touches none of the expected files (${expectedFiles.join(', ')}); it touches ${files.join(', ')}`);
  return {
    accepted: reasons.length === 0,
    reasons,
    bytes: Buffer.byteLength(patch),
    files_touched: files,
    expected_files: [...expectedFiles],
    expected_files_touched: hit,
  };
}

// ---------- a repro run with a patch (the fix phase) ----------

/** How a run's failure was raised: in the repository by a `raise`/`throw` statement, in the repository otherwise, or outside it. */
export type RaiseKind = 'deliberate' | 'crash' | 'outside' | 'none';

/** A repro run with a patch applied, as judged (the issue's failure matched or not) and where it raised. */
export interface PatchedReproRun {
  exitCode: number | null;
  timedOut: boolean;
  spawnError?: string | null;
  /** The run's failure matched the issue's (see matchFailure). */
  matched: boolean;
  failureLine: string | null;
  raise: RaiseKind;
}

/** A line of source that raises on purpose (Python `raise`, JavaScript `throw`). */
export function isRaiseStatement(sourceLine: string): boolean {
  return /^\s*(raise|throw)\b/.test(sourceLine) || /\b(raise|throw)\s+(new\s+)?[A-Za-z_$][\w$.]*\s*\(/.test(sourceLine);
}

/**
 * A validated repro with a patch: `bug_present` when the issue's failure still shows; `fixed` when
 * it exits 0, or now ends with a deliberate raise in the repository that is not the issue's failure
 * (the issue asked for a clear error, and the code now raises one); another crash, or an error
 * raised outside the repository (the repro's own assertion), is `unclassified`: not a fix.
 */
export function classifyPatchedRepro(r: PatchedReproRun): OracleVerdict {
  if (r.spawnError) return { classification: 'error', note: `could not start: ${r.spawnError}` };
  if (r.timedOut) return { classification: 'error', note: 'timed out (its process group was killed)' };
  const line = r.failureLine ? `: ${r.failureLine}` : '';
  if (r.matched) return { classification: 'bug_present', note: `still fails as the issue reports${line}` };
  if (r.exitCode === 0) return { classification: 'fixed', note: 'exits 0' };
  if (r.raise === 'deliberate')
    return { classification: 'fixed', note: `now raises deliberately in the repository, not the issue's failure${line}` };
  const where =
    r.raise === 'crash' ? 'crashes in the repository' : r.raise === 'outside' ? 'fails outside the repository' : 'fails';
  return { classification: 'unclassified', note: `${where} (exit ${r.exitCode ?? 'none'})${line}` };
}
