// Scores validated repro candidates (determinism, fidelity, size, agreement) and chooses the best one.
import type { ReproAnswer } from '../../../common/agentAnswers';
import { type CandidateValidation, compareWorkerIds, type IssueSignals } from '../../../common/artifacts';
import { countLines, oneLine } from '../../../common/text';

/**
 * Weights of the score parts (they sum to 1):
 * determinism 0.4 — a repro that fails the same way every run is what a fixer needs most;
 * fidelity 0.3 — the failure should be the one the issue describes (type, message, exit code);
 * agreement 0.2 — independent workers converging on the same failure is strong evidence;
 * size 0.1 — smaller scripts are easier to read and to minimise, but matter least.
 */
export const SCORE_WEIGHTS = { determinism: 0.4, fidelity: 0.3, size: 0.1, agreement: 0.2 } as const;

/** Within fidelity: how much the exception type, the message and the exit code count. */
const FIDELITY_WEIGHTS = { type: 0.5, message: 0.35, exitCode: 0.15 } as const;
/** Fidelity when the issue names no signal to compare with (the same for every candidate). */
const NEUTRAL_FIDELITY = 0.5;
/** A script of SIZE_SCALE lines scores 0.5 on size: size = 1 / (1 + lines / SIZE_SCALE). */
const SIZE_SCALE = 40;
/** Two candidates' repository frames agree when this share of the smaller set is common. */
const FRAME_OVERLAP = 0.5;

export interface CandidateInput {
  worker_id: string;
  answer: ReproAnswer;
  validation: CandidateValidation & { repo_frames?: string[] };
}

export interface ScoreOptions {
  signals: IssueSignals;
  /** Matched runs a candidate needs to be eligible (at least 1). */
  minMatches: number;
}

export interface ScoreParts {
  determinism: number;
  fidelity: number;
  size: number;
  agreement: number;
}

export interface ScoredCandidate {
  worker_id: string;
  candidate_id: string;
  /** Weighted sum of score_parts for eligible candidates; 0 for ineligible ones. */
  score: number;
  score_parts: ScoreParts;
  eligible: boolean;
  rejection_reason: string | null;
  /** Non-empty lines of the script (the size part and the first tie-break). */
  lines: number;
}

/** Clamps to [lo, hi]; anything that is not a finite number becomes lo. */
export function clamp(value: unknown, lo = 0, hi = 1): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(hi, Math.max(lo, value)) : lo;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export { compareWorkerIds };

/** Non-blank lines of a script (common/text.ts countLines). */
export const scriptLines = countLines;

/** Lower-case words and numbers of a text. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

/** A signature with the incidental parts (addresses, numbers, quoted values, spacing) blanked. */
export function normalizeSignature(signature: string | null | undefined): string {
  if (typeof signature !== 'string') return '';
  return signature
    .slice(0, 2_000)
    .toLowerCase()
    .replace(/0x[0-9a-f]+/g, '#')
    .replace(/(['"`]).*?\1/g, '$')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalizeFrame(frame: string): string {
  return frame.replace(/\\/g, '/').replace(/\s+/g, ' ').trim();
}

/** Does the signature name the exception type (compared by its last dotted segment, as a whole word)? */
function typeMatches(signature: string, type: string): boolean {
  const name = type.trim().split('.').at(-1) ?? '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  return new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(signature);
}

/** 1 when the message occurs in the signature; else the share of its words that do. */
function messageMatch(signature: string, message: string): number {
  const sig = signature.toLowerCase().replace(/\s+/g, ' ');
  const msg = message.toLowerCase().replace(/\s+/g, ' ').trim();
  if (msg.length === 0) return 0;
  if (sig.includes(msg)) return 1;
  const msgWords = [...new Set(words(msg))];
  if (msgWords.length === 0) return 0;
  const sigWords = new Set(words(sig));
  return msgWords.filter((w) => sigWords.has(w)).length / msgWords.length;
}

/**
 * How well the matched failure reflects the issue, 0..1: a weighted mean, over the signal kinds
 * the issue names, of exception type named (0/1), best message match (0..1), and the share of
 * matched runs whose exit code is one the issue expects.
 */
export function fidelity(validation: CandidateInput['validation'], signals: IssueSignals): number {
  const signature = typeof validation.matched_signature === 'string' ? validation.matched_signature.slice(0, 4_000) : '';
  const parts: Array<[number, number]> = [];
  const types = (signals.exception_types ?? []).filter((t) => typeof t === 'string' && t.trim());
  if (types.length > 0) parts.push([FIDELITY_WEIGHTS.type, types.some((t) => typeMatches(signature, t)) ? 1 : 0]);
  const messages = [...(signals.messages ?? []), ...(signals.assertion_failures ?? [])].filter(
    (m) => typeof m === 'string' && m.trim(),
  );
  if (messages.length > 0) parts.push([FIDELITY_WEIGHTS.message, Math.max(...messages.map((m) => messageMatch(signature, m)))]);
  const codes = (signals.exit_codes ?? []).filter((c) => Number.isInteger(c));
  const matchedRuns = (validation.runs ?? []).filter((r) => r.matched);
  if (codes.length > 0 && matchedRuns.length > 0) {
    const share = matchedRuns.filter((r) => r.exit_code !== null && codes.includes(r.exit_code)).length / matchedRuns.length;
    parts.push([FIDELITY_WEIGHTS.exitCode, share]);
  }
  const weight = parts.reduce((s, [w]) => s + w, 0);
  return weight === 0 ? NEUTRAL_FIDELITY : clamp(parts.reduce((s, [w, v]) => s + w * v, 0) / weight);
}

function runCounts(validation: CandidateInput['validation']): { total: number; matches: number } {
  const total = Math.floor(clamp(validation.total_runs, 0, Number.MAX_SAFE_INTEGER));
  const matches = Math.floor(clamp(validation.matches, 0, total));
  return { total, matches };
}

/** Reasons of matchFailure's repository check (failure.ts throughRepository). */
const REPOSITORY_VERDICT = /in its own code, not in the repository|but raises nothing|where the issue's traceback fails/;

/** Why no run matched, from what the runs actually did. */
function noMatchReason(validation: CandidateInput['validation'], total: number): string {
  const runs = validation.runs ?? [];
  // The failure looked like the issue's, but not where the issue's happens: say that, it is the point.
  const elsewhere = runs.find((r) => REPOSITORY_VERDICT.test(r.reason));
  if (elsewhere) return `no run matched: ${oneLine(elsewhere.reason, 300)}`;
  const finals = [...new Set(runs.map((r) => r.failure_line).filter((l): l is string => !!l && l.trim().length > 0))];
  const first = finals[0];
  if (first !== undefined) {
    const more = finals.length > 1 ? ` (and ${finals.length - 1} other outcome${finals.length > 2 ? 's' : ''})` : '';
    return `no run matched: final exception was ${oneLine(first, 200)}${more}`;
  }
  if (runs.length > 0 && runs.every((r) => r.timed_out)) return `no run matched: all ${runs.length} runs timed out`;
  if (runs.length > 0 && runs.every((r) => r.exit_code === 0)) return 'no run matched: the oracle exited 0 (no failure)';
  const reason = runs.find((r) => r.reason.trim())?.reason;
  if (reason) return `no run matched: ${oneLine(reason, 200)}`;
  return `no run matched in ${total} run${total === 1 ? '' : 's'}`;
}

/** Null when eligible; otherwise the precise reason the candidate cannot be chosen. */
export function rejectionReason(validation: CandidateInput['validation'], minMatches: number): string | null {
  const need = Math.max(1, Math.floor(clamp(minMatches, 1, Number.MAX_SAFE_INTEGER)));
  if (validation.setup_ok === false) {
    const detail = validation.runs?.find((r) => r.reason.trim())?.reason;
    return `setup failed: ${detail ? oneLine(detail, 200) : 'a setup command exited with an error'}`;
  }
  const { total, matches } = runCounts(validation);
  if (total === 0) return 'not validated: no run was executed';
  if (matches === 0) return noMatchReason(validation, total);
  if (matches < need) return `${matches} of ${total} runs matched; need ${need}`;
  if (!validation.passed) return `validation did not pass (${matches} of ${total} runs matched)`;
  return null;
}

function framesAgree(a: string[], b: string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const sb = new Set(b);
  const common = new Set(a.filter((f) => sb.has(f))).size;
  return common > 0 && common / Math.min(new Set(a).size, sb.size) >= FRAME_OVERLAP;
}

interface Prepared {
  input: CandidateInput;
  index: number;
  signature: string;
  frames: string[];
  rejection: string | null;
  lines: number;
}

function candidateFrames(validation: CandidateInput['validation']): string[] {
  const frames = validation.repo_frames ?? validation.runs?.find((r) => r.matched)?.repo_frames ?? [];
  return frames
    .filter((f) => typeof f === 'string')
    .slice(0, 200)
    .map(normalizeFrame);
}

/** Best first: eligible before ineligible, then higher score, fewer lines, worker id, candidate id. */
export function compareScored(a: ScoredCandidate, b: ScoredCandidate): number {
  if (a.eligible !== b.eligible) return a.eligible ? -1 : 1;
  if (a.score !== b.score) return b.score - a.score;
  if (a.lines !== b.lines) return a.lines - b.lines;
  const byWorker = compareWorkerIds(a.worker_id, b.worker_id);
  if (byWorker !== 0) return byWorker;
  return a.candidate_id < b.candidate_id ? -1 : a.candidate_id > b.candidate_id ? 1 : 0;
}

/**
 * Scores every candidate (see SCORE_WEIGHTS). determinism = matches / total_runs;
 * fidelity = see `fidelity`; size = 1 / (1 + lines / 40); agreement = share of the OTHER eligible
 * candidates whose normalised matched signature equals this one's or whose repository frames
 * overlap with it. Returned best first (see compareScored).
 */
export function scoreCandidates(cands: CandidateInput[], options: ScoreOptions): ScoredCandidate[] {
  const prepared: Prepared[] = cands.map((input, index) => ({
    input,
    index,
    signature: normalizeSignature(input.validation.matched_signature),
    frames: candidateFrames(input.validation),
    rejection: rejectionReason(input.validation, options.minMatches),
    lines: scriptLines(input.answer.script),
  }));
  const eligible = prepared.filter((p) => p.rejection === null);
  const scored = prepared.map((p): ScoredCandidate => {
    const { total, matches } = runCounts(p.input.validation);
    const others = eligible.filter((o) => o.index !== p.index);
    const agreeing = others.filter(
      (o) => (p.signature !== '' && o.signature === p.signature) || framesAgree(p.frames, o.frames),
    ).length;
    const parts: ScoreParts = {
      determinism: round(total === 0 ? 0 : matches / total),
      fidelity: round(fidelity(p.input.validation, options.signals)),
      size: round(1 / (1 + p.lines / SIZE_SCALE)),
      agreement: round(others.length === 0 ? 0 : agreeing / others.length),
    };
    const weighted =
      SCORE_WEIGHTS.determinism * parts.determinism +
      SCORE_WEIGHTS.fidelity * parts.fidelity +
      SCORE_WEIGHTS.size * parts.size +
      SCORE_WEIGHTS.agreement * parts.agreement;
    return {
      worker_id: p.input.worker_id,
      candidate_id: p.input.answer.candidate_id,
      score: p.rejection === null ? round(weighted) : 0,
      score_parts: parts,
      eligible: p.rejection === null,
      rejection_reason: p.rejection,
      lines: p.lines,
    };
  });
  return scored.sort(compareScored);
}

/** The best eligible candidate, or null when none is eligible. */
export function chooseCandidate(scored: ScoredCandidate[]): ScoredCandidate | null {
  const best = scored.filter((s) => s.eligible).sort(compareScored)[0];
  return best ?? null;
}
