// Ranks triage hypotheses by checked evidence, agreement between workers, the repro's execution and confidence.
import type { Evidence, Hypothesis } from '../../../common/agentAnswers';
import { compareWorkerIds, type RankedHypothesis } from '../../../common/artifacts';
import type { Frame } from '../repro/failure';
import { mechanismSimilarity } from './similarity';
import { clip, oneLine } from '../../../common/text';

/**
 * Weights of the score parts (they sum to 1):
 * execution 0.45 — where the repro's failure actually happens is the strongest, checked sign, graded
 *   by frame (EXECUTION_CREDIT): the line that raises outranks the lines that called it;
 * evidence 0.25 — how much of what the worker cited holds up against the code;
 * agreement 0.2 — other workers reaching the same mechanism or the same lines independently (workers
 *   share a model, so agreement is weaker evidence than execution);
 * confidence 0.1 — the worker's own belief, weighted least because it is unchecked.
 */
export const RANK_WEIGHTS = { execution: 0.45, evidence: 0.25, agreement: 0.2, confidence: 0.1 } as const;

/** Mechanisms at least this similar (see mechanismSimilarity) count as agreeing. */
export const AGREEMENT_SIMILARITY = 0.35;
/** Valid evidence of two workers within this many lines of each other in one file agrees. */
const AGREEMENT_LINES = 3;
/** Evidence within this many lines of a repro frame's line is at that frame. */
const FRAME_LINES = 2;
/** nextFixTargets names a frame's function for evidence this close to the frame's line. */
const TARGET_FRAME_LINES = 5;
/** Valid evidence rows beyond this many add nothing to the evidence part's count half. */
const EVIDENCE_COUNT_CAP = 3;
const TOP_N = 3;
const MAX_FIX_TARGETS = 10;

/**
 * Execution credit of one evidence row, by where it sits against the repro's failure:
 * raisingLine 1 — within ±2 lines of the innermost repository frame, where the exception is raised;
 * raisingFunction 0.75 — elsewhere in the function that raises;
 * callerLine 0.6 / k — at the k-th caller's line (±2), k = 1 for the direct caller: the further from
 *   the raise, the more of the program the hypothesis leaves unexplained;
 * callerFunction half of that — elsewhere in the k-th caller's function;
 * frameFile 0.2 — in a file the failure passes through, not near any of its frames;
 * targetPath 0.15 — under a path the issue names; none 0.
 */
export const EXECUTION_CREDIT = {
  raisingLine: 1,
  raisingFunction: 0.75,
  callerLine: 0.6,
  frameFile: 0.2,
  targetPath: 0.15,
  none: 0,
} as const;

export interface EvidenceResult {
  evidence: Evidence;
  valid: boolean;
  reason: string;
  matchedLine: number | null;
  /** Repository-relative path the evidence resolved to (checkEvidence's normalizedFile). */
  normalizedFile?: string;
  /** Function enclosing the matched line (checkEvidence's enclosingFunction). */
  enclosingFunction?: string | null;
}

export interface HypothesisInput {
  worker_id: string;
  hypothesis: Hypothesis;
  evidenceResults: EvidenceResult[];
}

export interface RankContext {
  /** The minimal repro's failure's repository frames, outermost first (a `line` of 0: the trace gave none). */
  reproFrames: Frame[];
  /** Paths the issue points at (files or folders, repository-relative). */
  targetPaths: string[];
}

export interface DroppedHypothesis {
  worker_id: string;
  hypothesis_id: string;
  reason: string;
}

export interface Ranking {
  ranked: RankedHypothesis[];
  top: RankedHypothesis[];
  dropped: DroppedHypothesis[];
}

const clamp01 = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const text = (x: unknown): string => (typeof x === 'string' ? x : '');

/** A light normalisation for comparing paths: POSIX separators, no "./" prefix, no trailing "/". */
function normalizePath(p: string): string {
  let s = text(p).trim().replace(/\\/g, '/').replace(/\/+$/, '');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/** Same file, allowing one side to be longer on the left (an absolute frame path, say). */
function samePath(a: string, b: string): boolean {
  if (!a || !b) return false;
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/** Inside a target path: the file itself or anything under a target folder. */
function underTarget(file: string, target: string): boolean {
  const t = normalizePath(target);
  if (!t || t === '.') return false;
  return samePath(file, t) || file.startsWith(`${t}/`) || file.includes(`/${t}/`);
}

interface Location {
  file: string;
  line: number;
  func: string | null;
}

function locationOf(row: EvidenceResult): Location {
  const line = row.matchedLine ?? row.evidence.line;
  return {
    file: normalizePath(row.normalizedFile ?? text(row.evidence?.file)),
    line: Number.isInteger(line) ? line : 0,
    func: row.enclosingFunction ?? null,
  };
}

/** Within `lines` of a frame's line; a frame without a line (0) is near nothing. */
function nearLine(frameLine: number, line: number, lines = FRAME_LINES): boolean {
  return frameLine >= 1 && line >= 1 && Math.abs(frameLine - line) <= lines;
}

/** Credit of one valid evidence location against the repro's frames and the issue's target paths (see EXECUTION_CREDIT). */
export function executionCredit(loc: Location, context: RankContext): number {
  const frames = context.reproFrames; // outermost first: the innermost (raising) frame is last
  let best: number = EXECUTION_CREDIT.none;
  frames.forEach((f, i) => {
    if (!samePath(loc.file, normalizePath(f.file))) return;
    const k = frames.length - 1 - i; // 0: the raising frame; k: its k-th caller
    const atLine = k === 0 ? EXECUTION_CREDIT.raisingLine : EXECUTION_CREDIT.callerLine / k;
    const inFunction = k === 0 ? EXECUTION_CREDIT.raisingFunction : EXECUTION_CREDIT.callerLine / k / 2;
    if (nearLine(f.line, loc.line)) best = Math.max(best, atLine);
    else if (f.func && f.func === loc.func) best = Math.max(best, inFunction);
    else best = Math.max(best, EXECUTION_CREDIT.frameFile);
  });
  if (best > EXECUTION_CREDIT.none) return best;
  if (context.targetPaths.some((t) => underTarget(loc.file, t))) return EXECUTION_CREDIT.targetPath;
  return EXECUTION_CREDIT.none;
}

interface Kept {
  index: number;
  input: HypothesisInput;
  valid: EvidenceResult[];
  invalid: EvidenceResult[];
  locations: Location[];
}

function dropReason(input: HypothesisInput): string {
  const rows = input.evidenceResults ?? [];
  if (rows.length === 0) return 'no evidence was given';
  const listed = rows.slice(0, 5).map((r) => {
    const where = `${oneLine(text(r.evidence?.file), 120)}:${String(r.evidence?.line)}`;
    return `${where} — ${oneLine(text(r.reason) || 'invalid', 200)}`;
  });
  const more = rows.length > 5 ? `; and ${rows.length - 5} more` : '';
  return `no valid evidence: ${listed.join('; ')}${more}`;
}

function agrees(a: Kept, b: Kept): boolean {
  if (mechanismSimilarity(text(a.input.hypothesis.mechanism), text(b.input.hypothesis.mechanism)) >= AGREEMENT_SIMILARITY) {
    return true;
  }
  return a.locations.some((la) =>
    b.locations.some((lb) => samePath(la.file, lb.file) && Math.abs(la.line - lb.line) <= AGREEMENT_LINES),
  );
}

function toRanked(k: Kept, score: number, parts: Record<string, number>, agreeing: string[]): RankedHypothesis {
  const h = k.input.hypothesis;
  return {
    hypothesis_id: oneLine(text(h.hypothesis_id), 200),
    worker_id: k.input.worker_id,
    mechanism: clip(text(h.mechanism).trim(), 10_000),
    // Valid evidence is reported where it was verified: the resolved path and the matched line.
    evidence: k.valid.map((r, i) => ({
      file: k.locations[i]?.file ?? normalizePath(text(r.evidence.file)),
      line: k.locations[i]?.line ?? r.evidence.line,
      snippet: clip(text(r.evidence.snippet), 500),
    })),
    invalid_evidence: k.invalid.map((r) => ({
      file: oneLine(text(r.evidence?.file), 300),
      line: Number.isInteger(r.evidence?.line) ? r.evidence.line : 0,
      snippet: clip(text(r.evidence?.snippet), 200),
      reason: oneLine(text(r.reason), 300),
    })),
    confidence: clamp01(h.confidence),
    disconfirming_checks: (Array.isArray(h.disconfirming_checks) ? h.disconfirming_checks : [])
      .slice(0, 20)
      .map((c) => clip(text(c), 500)),
    score,
    score_parts: parts,
    agreeing_workers: agreeing,
  };
}

/**
 * Drops hypotheses without valid evidence and ranks the rest by a weighted sum (RANK_WEIGHTS) of:
 * execution — best credit of a valid row (EXECUTION_CREDIT: the raising line 1, the raising function
 * 0.75, the k-th caller's line 0.6/k, a frame's file 0.2, an issue target path 0.15); evidence — half the share of rows that
 * are valid, half their count capped at 3; agreement — share of the other workers (with kept
 * hypotheses) that have a similar mechanism or valid evidence within ±3 lines of this one's;
 * confidence — clamped to 0..1. Ids are per worker, so equal ids from two workers stay apart.
 */
export function rankHypotheses(inputs: HypothesisInput[], context: RankContext): Ranking {
  const ctx: RankContext = {
    reproFrames: (context.reproFrames ?? []).filter((f) => f && typeof f.file === 'string' && Number.isFinite(f.line)),
    targetPaths: (context.targetPaths ?? []).filter((t) => typeof t === 'string'),
  };
  const dropped: DroppedHypothesis[] = [];
  const kept: Kept[] = [];
  inputs.forEach((input, index) => {
    const rows = Array.isArray(input.evidenceResults) ? input.evidenceResults : [];
    const valid = rows.filter((r) => r.valid === true);
    if (valid.length === 0) {
      dropped.push({
        worker_id: input.worker_id,
        hypothesis_id: text(input.hypothesis?.hypothesis_id),
        reason: dropReason(input),
      });
      return;
    }
    kept.push({ index, input, valid, invalid: rows.filter((r) => r.valid !== true), locations: valid.map(locationOf) });
  });

  const workersWithKept = new Set(kept.map((k) => k.input.worker_id));
  const scored = kept.map((k) => {
    const otherWorkers = [...workersWithKept].filter((w) => w !== k.input.worker_id);
    const agreeing = otherWorkers.filter((w) => kept.some((o) => o.input.worker_id === w && agrees(k, o))).sort(compareWorkerIds);
    const total = k.valid.length + k.invalid.length;
    const parts = {
      execution: round(Math.max(...k.locations.map((l) => executionCredit(l, ctx)))),
      evidence: round(0.5 * (k.valid.length / total) + 0.5 * (Math.min(k.valid.length, EVIDENCE_COUNT_CAP) / EVIDENCE_COUNT_CAP)),
      agreement: round(otherWorkers.length === 0 ? 0 : agreeing.length / otherWorkers.length),
      confidence: round(clamp01(k.input.hypothesis.confidence)),
    };
    const score = round(
      RANK_WEIGHTS.execution * parts.execution +
        RANK_WEIGHTS.evidence * parts.evidence +
        RANK_WEIGHTS.agreement * parts.agreement +
        RANK_WEIGHTS.confidence * parts.confidence,
    );
    return { k, ranked: toRanked(k, score, parts, agreeing) };
  });

  scored.sort((a, b) => {
    const ra = a.ranked;
    const rb = b.ranked;
    return (
      rb.score - ra.score ||
      (rb.score_parts.execution ?? 0) - (ra.score_parts.execution ?? 0) ||
      b.k.valid.length - a.k.valid.length ||
      rb.confidence - ra.confidence ||
      compareWorkerIds(ra.worker_id, rb.worker_id) ||
      (ra.hypothesis_id < rb.hypothesis_id ? -1 : ra.hypothesis_id > rb.hypothesis_id ? 1 : 0) ||
      a.k.index - b.k.index
    );
  });
  const ranked = scored.map((s) => s.ranked);
  return { ranked, top: ranked.slice(0, TOP_N), dropped };
}

/** The first sentence of a mechanism, on one line, short enough for a list. */
function summary(mechanism: string): string {
  const flat = mechanism.replace(/\s+/g, ' ').trim();
  const first = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return clip(first.replace(/[.!?]$/, ''), 120);
}

/** A function declared in a snippet line ("def convolve(", "function convolve(", "fn convolve("). */
function declaredFunction(snippet: string): string | null {
  const m = /\b(?:def|function|fn|func)\s+\*?\s*([A-Za-z_$][\w$]*)/.exec(snippet);
  return m?.[1] ?? null;
}

/**
 * Where to look first when fixing: "file:line, line (functions) — mechanism", one entry per top
 * hypothesis and file (its valid evidence lines there), in rank order; a file:line already named by
 * a better hypothesis is not named again. A function comes from a repro frame near its line, else
 * from a declaration in the snippet; it is left out when unknown.
 */
export function nextFixTargets(top: RankedHypothesis[], reproFrames: Frame[] = []): string[] {
  const seen = new Set<string>();
  const targets: string[] = [];
  for (const h of top) {
    const byFile = new Map<string, Array<{ line: number; func: string | null }>>();
    for (const ev of h.evidence) {
      const file = normalizePath(ev.file);
      const key = `${file}:${ev.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const frame = reproFrames
        .filter((f) => f.func && samePath(file, normalizePath(f.file)) && nearLine(f.line, ev.line, TARGET_FRAME_LINES))
        .sort((a, b) => Math.abs(a.line - ev.line) - Math.abs(b.line - ev.line))[0];
      const func = frame?.func ?? declaredFunction(text(ev.snippet));
      byFile.set(file, [...(byFile.get(file) ?? []), { line: ev.line, func }]);
    }
    const about = summary(text(h.mechanism));
    for (const [file, rows] of byFile) {
      if (targets.length >= MAX_FIX_TARGETS) return targets;
      rows.sort((a, b) => a.line - b.line); // functions in the order of their lines
      const funcs = [...new Set(rows.flatMap((r) => (r.func ? [r.func] : [])))];
      targets.push(
        `${file}:${rows.map((r) => r.line).join(', ')}${funcs.length ? ` (${funcs.join(', ')})` : ''}${about ? ` — ${about}` : ''}`,
      );
    }
  }
  return targets;
}
