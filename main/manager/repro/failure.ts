// What an oracle run's failure is (traceback, Node.js error, test summary, exit code) and whether it is the issue's.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { IssueSignals } from '../../../common/artifacts';
import { clip } from '../../../common/text';

/**
 * A frame of a stack trace (outermost first in lists). In a failure's repository frames, `file` is
 * repository-relative with `/` separators and `func` is normalized (normalizeFunc).
 */
export interface Frame {
  file: string;
  /** 0 when the trace gives no line. */
  line: number;
  func: string;
}

export type FailureKind = 'python-traceback' | 'node-error' | 'test-summary' | 'exit-code' | 'none';

export interface Failure {
  kind: FailureKind;
  exceptionType: string | null;
  message: string | null;
  /** The line that states the failure: `ExcType: message`, or the last output line for a bare exit code. */
  failureLine: string | null;
  /** Outermost call first, the frame that raised last (Node.js traces are reversed to this order). */
  frames: Frame[];
  syntaxError: boolean;
  exitCode: number | null;
  /** The last non-empty output lines (at most TAIL_KEPT), for signatures judged on output alone. */
  tail: string[];
}

export interface MatchOptions {
  claimedSignature: string | null;
  signals: IssueSignals;
  /** How many of the last output lines count for a failure without an exception. */
  lastLines?: number;
  /**
   * The failure's frames inside the repository (innermost last). Given, a match must pass through
   * the repository (see matchFailure); omitted, only the failure's text is judged.
   */
  repoFrames?: Frame[];
  /** The innermost frame of the traceback the issue shows, when it shows one (see issueFailureFrame). */
  issueFrame?: IssueFrame | null;
}

/** Where the issue's own traceback fails: a function name, or only a file when the trace names none. */
export interface IssueFrame {
  file: string;
  line: number;
  func: string | null;
}

export interface FailureMatch {
  matched: boolean;
  matchedSignature: string | null;
  reason: string;
}

const TAIL_KEPT = 200;
const SYNTAX_TYPES = new Set(['SyntaxError', 'IndentationError', 'TabError']);
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const PY_FILE_LINE = /^\s+File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const PY_EXC_LINE = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::\s?(.*))?$/;
// `    at fn (file:1:2)`, `    at file:1:2`, `    at new Promise (<anonymous>)`; a trailing ` {` opens error properties.
const NODE_AT = /^\s+at (.+?(?::\d+:\d+\)?|\(<anonymous>\)|\(native\)|\(index \d+\)))(?: \{)?\s*$/;
const NODE_HEADER = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?: \[([A-Z0-9_]+)\])?(?::\s?(.*))?$/;
const ERRORISH = /(?:Error|Exception|Warning|Rejection)$/;
const EXIT_CODE_SIG = /^exit(?:ed)?(?: with)?(?: code| status)\s*(-?\d+)$/i;

// ---------- extraction ----------

export function extractFailure(output: string, exitCode: number | null, repoRoot?: string): Failure {
  const lines = output.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n');
  const tail = lines.filter((l) => l.trim() !== '').slice(-TAIL_KEPT);
  const base = { exitCode, tail };
  const candidates = [parsePytest(lines), parsePython(lines), parseNode(lines)].filter((c): c is Parsed => c !== null);
  // When several shapes appear, the one that ends last is the failure the run ended with;
  // a test summary outranks the tracebacks it contains.
  candidates.sort((a, b) => (a.kind === 'test-summary' ? 1 : 0) - (b.kind === 'test-summary' ? 1 : 0) || a.endIndex - b.endIndex);
  const chosen = candidates[candidates.length - 1];
  if (chosen) {
    const { endIndex: _end, ...rest } = chosen;
    // pytest --tb=native prints plain tracebacks instead of its own locations.
    if (rest.kind === 'test-summary' && rest.frames.length === 0)
      rest.frames = candidates.find((c) => c.kind === 'python-traceback')?.frames ?? [];
    const frames = repoRoot ? rest.frames.map((f) => ({ ...f, file: resolveFrameFile(f.file, repoRoot) })) : rest.frames;
    return { ...rest, frames, ...base };
  }
  if (exitCode !== 0) {
    return {
      kind: 'exit-code',
      exceptionType: null,
      message: null,
      failureLine: tail[tail.length - 1]?.trim() ?? null,
      frames: [],
      syntaxError: false,
      ...base,
    };
  }
  return { kind: 'none', exceptionType: null, message: null, failureLine: null, frames: [], syntaxError: false, ...base };
}

type Parsed = Omit<Failure, 'exitCode' | 'tail'> & { endIndex: number };

function exceptionParts(line: string): { type: string | null; message: string | null } {
  const m = PY_EXC_LINE.exec(line.trim());
  if (!m) return { type: null, message: line.trim() || null };
  return { type: m[1] ?? null, message: m[2] === undefined ? null : m[2].trim() };
}

function isSyntaxType(type: string | null): boolean {
  return type !== null && SYNTAX_TYPES.has(type.split('.').pop() ?? type);
}

/** The last Python traceback, or a bare compile error (`File "x.py", line N` then `SyntaxError: ...`). */
function parsePython(lines: string[]): Parsed | null {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^Traceback \(most recent call last\):\s*$/.test(lines[i] ?? '')) {
      start = i;
      break;
    }
  }
  const fromTraceback = start >= 0 ? parsePythonTraceback(lines, start) : null;
  const bare = parseBareSyntaxError(lines);
  if (bare && (!fromTraceback || bare.endIndex > fromTraceback.endIndex)) return bare;
  return fromTraceback;
}

function parsePythonTraceback(lines: string[], start: number): Parsed | null {
  const frames: Frame[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = PY_FILE_LINE.exec(line);
    if (m) {
      frames.push({ file: m[1] ?? '', line: Number(m[2]), func: m[3]?.trim() ?? '<module>' });
      continue;
    }
    if (line === '' || /^\s/.test(line)) continue; // quoted source, carets, blank lines
    break;
  }
  const excLine = lines[i];
  if (excLine === undefined) return null;
  const { type, message } = exceptionParts(excLine);
  return {
    kind: 'python-traceback',
    exceptionType: type,
    message,
    failureLine: excLine.trim(),
    frames,
    syntaxError: isSyntaxType(type),
    endIndex: i,
  };
}

function parseBareSyntaxError(lines: string[]): Parsed | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const { type, message } = exceptionParts(line);
    if (!/^\S/.test(line) || !isSyntaxType(type)) continue;
    for (let j = i - 1; j >= Math.max(0, i - 8); j--) {
      const m = PY_FILE_LINE.exec(lines[j] ?? '');
      if (m) {
        const frame = { file: m[1] ?? '', line: Number(m[2]), func: m[3]?.trim() ?? '<module>' };
        return {
          kind: 'python-traceback',
          exceptionType: type,
          message,
          failureLine: line.trim(),
          frames: [frame],
          syntaxError: true,
          endIndex: i,
        };
      }
    }
    return null;
  }
  return null;
}

function parseNodeFrame(text: string): Frame | null {
  const withFunc = /^(.+?) \((.+)\)$/.exec(text);
  const func = withFunc ? (withFunc[1] ?? '').replace(/^async /, '') : '<anonymous>';
  const loc = withFunc ? (withFunc[2] ?? '') : text;
  const m = /^(.*):(\d+):(\d+)$/.exec(loc);
  if (!m) return loc.includes('/') || loc.includes(':') ? { file: loc, line: 0, func } : null;
  let file = m[1] ?? '';
  if (file.startsWith('file://')) file = decodeURIComponent(file.slice('file://'.length));
  return { file, line: Number(m[2]), func };
}

/** The last `Error: message` + `    at ...` block of a Node.js uncaught error. */
function parseNode(lines: string[]): Parsed | null {
  let blockEnd = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (NODE_AT.test(lines[i] ?? '')) {
      blockEnd = i;
      break;
    }
  }
  if (blockEnd < 0) return null;
  let blockStart = blockEnd;
  while (blockStart > 0 && NODE_AT.test(lines[blockStart - 1] ?? '')) blockStart--;
  // The header precedes the frames, possibly with message continuation lines (assert diffs) between.
  let header = -1;
  for (let i = blockStart - 1; i >= Math.max(0, blockStart - 60) && header < 0; i--) {
    const m = NODE_HEADER.exec(lines[i] ?? '');
    if (m && ERRORISH.test(m[1] ?? '') && ((m[3] ?? '') !== '' || i === blockStart - 1 || m[2])) header = i;
  }
  if (header < 0 && blockStart > 0 && NODE_HEADER.test(lines[blockStart - 1] ?? '')) header = blockStart - 1;
  if (header < 0) return null;
  const m = NODE_HEADER.exec(lines[header] ?? '');
  const type = m?.[1] ?? null;
  const frames: Frame[] = [];
  for (let i = blockStart; i <= blockEnd; i++) {
    const at = NODE_AT.exec(lines[i] ?? '');
    const frame = at ? parseNodeFrame((at[1] ?? '').trim()) : null;
    if (frame) frames.push(frame);
  }
  frames.reverse();
  let end = blockEnd;
  for (let i = blockEnd + 1; i < Math.min(lines.length, blockEnd + 40); i++) if (/^Node\.js v\d+/.test(lines[i] ?? '')) end = i;
  return {
    kind: 'node-error',
    exceptionType: type,
    message: m?.[3]?.trim() ?? null,
    failureLine: (lines[header] ?? '').trim(),
    frames,
    syntaxError: isSyntaxType(type),
    endIndex: end,
  };
}

const PYTEST_SUMMARY = /^(FAILED|ERROR) ([^\s(]\S*?)(?: - (.*))?$/;
const PYTEST_SECTION = /^_{3,} (.+?) _{3,}$/;
const PYTEST_LOCATION = /^(\S+?):(\d+):(?: in (\S+)| ([A-Za-z_][\w.]*))?\s*$/;

/** pytest's failure report: `E   ExcType: msg` lines, `path:N: in func` locations, `FAILED id - ExcType: msg`. */
function parsePytest(lines: string[]): Parsed | null {
  let summary = -1;
  for (let i = 0; i < lines.length; i++) {
    if (PYTEST_SUMMARY.test(lines[i] ?? '')) {
      summary = i;
      break;
    }
  }
  const hasELines = lines.some((l) => /^E {2,}\S/.test(l));
  if (summary < 0 && !hasELines) return null;
  const sm = summary >= 0 ? PYTEST_SUMMARY.exec(lines[summary] ?? '') : null;
  const testName = sm?.[2]?.split('::').pop() ?? null;
  // The report section of the summarized test (else the first section with E lines).
  const sections: Array<{ name: string; start: number; end: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    const h = PYTEST_SECTION.exec(lines[i] ?? '');
    if (h && !/^_ _/.test(lines[i] ?? '')) {
      const last = sections[sections.length - 1];
      if (last) last.end = i;
      sections.push({ name: h[1] ?? '', start: i, end: lines.length });
    } else if (/^={3,}/.test(lines[i] ?? '')) {
      const last = sections[sections.length - 1];
      if (last && last.end === lines.length) last.end = i;
    }
  }
  const section = sections.find((s) => testName !== null && (s.name === testName || s.name.endsWith(`.${testName}`))) ??
    sections.find((s) => lines.slice(s.start, s.end).some((l) => /^E {2,}\S/.test(l))) ?? {
      name: '',
      start: 0,
      end: lines.length,
    };
  const body = lines.slice(section.start, section.end);

  let type: string | null = null;
  let message: string | null = null;
  let failureLine: string | null = null;
  const eLines = body.filter((l) => /^E {2,}\S/.test(l)).map((l) => l.slice(1).trim());
  const excE = eLines.find(
    (l) => /^[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt|Iteration)(?::|$)/.test(l) || /^[A-Z][\w.]*:\s/.test(l),
  );
  if (excE) {
    ({ type, message } = exceptionParts(excE));
    failureLine = excE;
  } else if (eLines[0]?.startsWith('assert')) {
    type = 'AssertionError';
    message = eLines[0];
    failureLine = `AssertionError: ${eLines[0]}`;
  } else if (sm?.[3]) {
    const text = sm[3].trim();
    if (text.startsWith('assert')) {
      type = 'AssertionError';
      message = text;
      failureLine = `AssertionError: ${text}`;
    } else {
      ({ type, message } = exceptionParts(text));
      failureLine = text;
    }
  }
  if (failureLine === null) return null;

  const frames: Frame[] = [];
  let lastSeparator = 0;
  for (let i = 0; i < body.length; i++) {
    const line = body[i] ?? '';
    if (/^_ _ /.test(line) || PYTEST_SECTION.test(line)) lastSeparator = i;
    const m = PYTEST_LOCATION.exec(line);
    if (!m || !/\.\w+$/.test(m[1] ?? '')) continue;
    let func = m[3] ?? null;
    if (!func) {
      for (let j = i - 1; j > lastSeparator && !func; j--) func = /^\s*(?:async\s+)?def (\w+)\(/.exec(body[j] ?? '')?.[1] ?? null;
    }
    frames.push({ file: m[1] ?? '', line: Number(m[2]), func: func ?? '<module>' });
    if (m[4] && !type) type = m[4];
  }
  return {
    kind: 'test-summary',
    exceptionType: type,
    message,
    failureLine,
    frames,
    syntaxError: isSyntaxType(type),
    endIndex: summary >= 0 ? summary : section.end,
  };
}

/**
 * The innermost frame of the failure an issue shows (a pasted Python traceback or Node.js stack), or
 * null. A Node.js error printed without `at` lines still names its file and line above the caret.
 */
export function issueFailureFrame(text: string): IssueFrame | null {
  const f = extractFailure(text, 1);
  const inner = f.frames[f.frames.length - 1];
  if (inner && f.kind !== 'exit-code' && f.kind !== 'none') {
    const func = normalizeFunc(inner.func);
    return { file: inner.file, line: inner.line, func: func === '<module>' || func === '<anonymous>' ? null : func };
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s*(\S+\.(?:[cm]?js|[cm]?ts|jsx|tsx)):(\d+)\s*$/.exec(lines[i] ?? '');
    if (m) return { file: m[1] ?? '', line: Number(m[2]), func: null };
  }
  return null;
}

/** A function name without what runtimes add around it: `Type.resolveInt [as resolve]` → `resolveInt`. */
export function normalizeFunc(func: string): string {
  const bare = func
    .replace(/\s*\[as [^\]]+\]$/, '')
    .replace(/^(?:async|new)\s+/, '')
    .trim();
  if (bare.startsWith('<') || !bare.includes('.')) return bare || '<anonymous>';
  return bare.split('.').pop() || bare;
}

/** Whether the repository frame is where the issue's traceback fails (by function, else by file). */
export function sameFrameAsIssue(frame: Frame, issue: IssueFrame): boolean {
  if (issue.func) return normalizeFunc(frame.func) === issue.func;
  const tail = (p: string) => p.replace(/\\/g, '/').split('/').slice(-2).join('/');
  const want = tail(issue.file);
  return frame.file === want || frame.file.endsWith(`/${want}`) || tail(frame.file) === want;
}

// ---------- repository frames ----------

const FOREIGN_SEGMENTS = new Set(['site-packages', 'dist-packages', 'node_modules', '.mminions', '__pycache__']);

function resolveFrameFile(file: string, repoRoot: string): string {
  if (file.startsWith('<') || file.startsWith('[') || file.startsWith('node:') || isAbsolute(file)) return file;
  return resolve(repoRoot, file);
}

/** Frames inside the repository (not the repro file, vendored packages or the stdlib), innermost last. */
export function repoFrameDetails(failure: Failure, repoRoot: string, reproFile?: string): Frame[] {
  const root = resolve(repoRoot);
  const repro = reproFile ? resolve(root, reproFile) : null;
  const out: Frame[] = [];
  for (const f of failure.frames) {
    if (f.file.startsWith('<') || f.file.startsWith('[') || f.file.startsWith('node:')) continue;
    const abs = resolveFrameFile(f.file, root);
    if (repro && abs === repro) continue;
    const rel = relative(root, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    const parts = rel.split(sep);
    if (parts.some((p) => FOREIGN_SEGMENTS.has(p))) continue;
    out.push({ file: parts.join('/'), func: normalizeFunc(f.func), line: f.line });
  }
  return out;
}

/** Function-level identities `relative/path.py:func` of the repository frames, deduplicated, innermost last. */
export function repoFrames(failure: Failure, repoRoot: string, reproFile?: string): string[] {
  const ids = repoFrameDetails(failure, repoRoot, reproFile).map((f) => `${f.file}:${f.func}`);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i] as string;
    if (!seen.has(id)) {
      seen.add(id);
      out.unshift(id);
    }
  }
  return out;
}

// ---------- matching ----------

function norm(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function unquote(s: string): string {
  return s
    .trim()
    .replace(/^(['"`])(.*)\1$/s, '$2')
    .trim();
}

function sameType(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

const BARE_TYPE = /^[A-Za-z_][\w.$]*$/;
const TYPED_SIG = /^([A-Za-z_][\w.$]*)(?: \[[A-Z0-9_]+\])?:\s*(.+)$/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What runtimes reword between versions, mapped to one spelling, so that a message is compared as
 * the error it is, not as the words a version chose. Each row is tested (failure.test.ts).
 */
export const MESSAGE_REWORDINGS: ReadonlyArray<{ runtime: string; pattern: RegExp; canonical: string }> = [
  // Node.js 16+ vs older V8
  {
    runtime: 'node',
    pattern: /cannot read properties of (undefined|null) \(reading '([^']*)'\)/g,
    canonical: "cannot read property '$2' of $1",
  },
  {
    runtime: 'node',
    pattern: /cannot set properties of (undefined|null) \(setting '([^']*)'\)/g,
    canonical: "cannot set property '$2' of $1",
  },
  {
    runtime: 'node',
    pattern: /cannot destructure property '([^']*)' of '([^']*)' as it is (undefined|null)\.?/g,
    canonical: "cannot destructure property '$1' of '$2'",
  },
  {
    runtime: 'node',
    pattern: /cannot destructure property '([^']*)' of '([^']*)' or 'null'\.?/g,
    canonical: "cannot destructure property '$1' of '$2'",
  },
  // Python 3.10+ qualifies function names (`C.f() got an unexpected keyword argument`)
  { runtime: 'python', pattern: /\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)\(\)/g, canonical: '$1()' },
  // Python 3.12 suggests names (`... is not defined. Did you mean: 'x'?`)
  { runtime: 'python', pattern: /\.? did you mean:? '?[\w.]+'?\?$/g, canonical: '' },
];

/** A message as compared: quotes unified, whitespace folded, lower case, runtime rewordings undone. */
export function normalizeMessage(message: string): string {
  let m = unquote(norm(message))
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .toLowerCase();
  for (const r of MESSAGE_REWORDINGS) m = m.replace(r.pattern, r.canonical);
  return m.trim();
}

/**
 * Whether an exception failure shows the signature: `full` when its message (or its failure line)
 * does, `type` when the signature is a bare exception type the failure has, null otherwise.
 */
function exceptionShows(failure: Failure, sig: string): 'full' | 'type' | null {
  const line = norm(failure.failureLine ?? '');
  if (BARE_TYPE.test(sig)) {
    const typed =
      (failure.exceptionType !== null && sameType(failure.exceptionType, sig)) ||
      new RegExp(`(^|[^\\w.$])${escapeRegExp(sig)}($|[^\\w$])`).test(line);
    return typed ? 'type' : null;
  }
  if (line.includes(sig)) return 'full';
  const typed = TYPED_SIG.exec(sig);
  if (typed && failure.exceptionType && sameType(failure.exceptionType, typed[1] ?? '')) {
    const want = normalizeMessage(typed[2] ?? '');
    const got = normalizeMessage(failure.message ?? '');
    if (want === got) return 'full';
    if (want !== '' && got.includes(want)) return 'full';
    if (got.length >= 4 && want.includes(got)) return 'full';
  }
  // Another message under the same type is not this signature; the bare type, when the issue or the
  // claim names it alone, is its own (type-only) signature.
  return null;
}

/** Whether the last `lastLines` output lines show the signature (failures without an exception). */
function tailShows(failure: Failure, sig: string, lastLines: number): boolean {
  const tail = failure.tail.slice(-lastLines).map(norm);
  if (BARE_TYPE.test(sig)) {
    const re = new RegExp(`(^|[^\\w.$])${escapeRegExp(sig)}($|[^\\w$])`);
    return tail.some((l) => re.test(l));
  }
  return tail.some((l) => l.includes(sig)) || tail.join(' ').includes(sig);
}

function namesSyntaxError(sig: string): boolean {
  return /\b(SyntaxError|IndentationError|TabError)\b/.test(sig);
}

function quoteFor(s: string, max = 160): string {
  const one = norm(s);
  return `'${clip(one, max)}'`;
}

/** The signatures a run may show, most specific first: the claim, then the issue's signals. */
export function expectedSignatures(claimedSignature: string | null, signals: IssueSignals): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    const n = norm(s);
    if (n !== '' && !out.includes(n)) out.push(n);
  };
  if (claimedSignature) {
    add(claimedSignature);
    // A multi-line claim (a pasted traceback) is judged by its last line.
    const lastLine = claimedSignature
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop();
    if (lastLine) add(lastLine);
  }
  for (const s of signals.exception_types) add(s);
  for (const s of signals.messages) add(s);
  for (const s of signals.assertion_failures) add(s);
  for (const c of signals.exit_codes) add(`exit code ${c}`);
  return out;
}

const ASSERTION = /^(?:[\w.]*\.)?Assert(?:ion)?Error$|^assert$/i;

/** The issue reports an exception (other than a failed assertion): then a repro must raise through the repository. */
function issueNamesException(signals: IssueSignals): string[] {
  return signals.exception_types.filter((t) => !ASSERTION.test(t.trim()));
}

/**
 * A match on the failure's text, checked against where the failure happened. With the repository's
 * frames known, a reproduction of an issue that reports an exception must raise it through the
 * repository: an exception raised in the repro's own code, or an exit code with the issue's text
 * printed, is not the issue's failure. A match on the exception type alone must also fail where the
 * issue's traceback fails, when the issue shows one. A failed assertion of the repro itself (the
 * issue reports a wrong result, no exception) and an exit code (the issue reports one) still count.
 */
function throughRepository(failure: Failure, opts: MatchOptions, sig: string, reason: string, typeOnly: boolean): FailureMatch {
  const frames = opts.repoFrames;
  if (frames === undefined) return { matched: true, matchedSignature: sig, reason };
  const reported = issueNamesException(opts.signals);
  const hasException = failure.kind !== 'exit-code' && failure.kind !== 'none';
  const type = failure.exceptionType ?? 'an exception';
  if (!hasException) {
    if (reported.length === 0) return { matched: true, matchedSignature: sig, reason };
    return {
      matched: false,
      matchedSignature: null,
      reason: `it exits ${failure.exitCode ?? 'non-zero'} with ${quoteFor(sig, 80)} in its output, but raises nothing: no traceback through the repository, where the issue's ${reported.slice(0, 2).join(' or ')} is raised`,
    };
  }
  if (frames.length === 0) {
    if (ASSERTION.test(failure.exceptionType ?? '') && reported.length === 0) {
      return {
        matched: true,
        matchedSignature: sig,
        reason: `${reason} (the repro's own assertion; the issue reports no exception)`,
      };
    }
    return {
      matched: false,
      matchedSignature: null,
      reason: `it fails with ${type} but in its own code, not in the repository (no frame of its traceback is in the repository)`,
    };
  }
  const inner = frames[frames.length - 1]!;
  const where = `${inner.file}:${inner.func}`;
  if (typeOnly && opts.issueFrame && !sameFrameAsIssue(inner, opts.issueFrame)) {
    const issueWhere = opts.issueFrame.func ?? opts.issueFrame.file;
    return {
      matched: false,
      matchedSignature: null,
      reason: `it fails with ${type} in the repository, but at ${where}, not in ${issueWhere} where the issue's traceback fails, and its message ${quoteFor(failure.message ?? '', 80)} is not the issue's`,
    };
  }
  return { matched: true, matchedSignature: sig, reason: `${reason}, raised at ${where}` };
}

/**
 * Whether a run reproduces the issue, judged on the failure itself: the final exception line of a
 * traceback (never quoted source), or the exit code and the last output lines when there is no exception.
 */
export function matchFailure(failure: Failure, opts: MatchOptions): FailureMatch {
  const lastLines = opts.lastLines ?? 20;
  const sigs = expectedSignatures(opts.claimedSignature, opts.signals);
  const claimed = opts.claimedSignature ? quoteFor(opts.claimedSignature) : 'no claimed signature';
  const wanted = sigs.length ? sigs.map((s) => quoteFor(s, 80)).join(', ') : 'no expected signature';
  if (failure.exitCode === 0) {
    return { matched: false, matchedSignature: null, reason: 'the oracle exited 0: a reproduction must fail (non-zero exit)' };
  }
  if (failure.exitCode === null && failure.kind === 'none') {
    return { matched: false, matchedSignature: null, reason: 'the oracle produced no exit code and no failure' };
  }
  const hasException = failure.kind !== 'exit-code' && failure.kind !== 'none';
  let typeOnly: string | null = null;
  for (const sig of sigs) {
    if (failure.syntaxError && !namesSyntaxError(sig)) continue;
    const exit = EXIT_CODE_SIG.exec(sig);
    if (exit) {
      const code = Number(exit[1]);
      // Exit code 1 is what every uncaught exception gives; it identifies only a failure without one.
      if (failure.exitCode === code && (!hasException || code !== 1)) {
        return throughRepository(failure, opts, sig, `exit code ${code} matches ${quoteFor(sig)}`, false);
      }
      continue;
    }
    if (hasException) {
      const shows = exceptionShows(failure, sig);
      if (shows === 'full') {
        const reason = `final exception line ${quoteFor(failure.failureLine ?? '')} matches ${quoteFor(sig)}`;
        return throughRepository(failure, opts, sig, reason, false);
      }
      if (shows === 'type') typeOnly ??= sig;
    } else if (tailShows(failure, sig, lastLines)) {
      const reason = `exit code ${failure.exitCode} with ${quoteFor(sig)} in the last ${lastLines} output lines`;
      return throughRepository(failure, opts, sig, reason, false);
    }
  }
  if (typeOnly !== null) {
    const reason = `final exception line ${quoteFor(failure.failureLine ?? '')} matches ${quoteFor(typeOnly)} by its type`;
    return throughRepository(failure, opts, typeOnly, reason, true);
  }
  if (failure.syntaxError) {
    return {
      matched: false,
      matchedSignature: null,
      reason: `final exception line is ${quoteFor(failure.failureLine ?? '')}, not the claimed ${claimed}: a ${failure.exceptionType ?? 'SyntaxError'} is a broken repro, not the issue's failure`,
    };
  }
  if (hasException) {
    return {
      matched: false,
      matchedSignature: null,
      reason: `final exception line is ${quoteFor(failure.failureLine ?? '')}, not the claimed ${claimed}${sigs.length > 1 ? ` nor any expected signal (${wanted})` : ''}`,
    };
  }
  return {
    matched: false,
    matchedSignature: null,
    reason: `exit code ${failure.exitCode ?? 'unknown'} without any of ${wanted} in the last ${lastLines} output lines${failure.failureLine ? ` (last line: ${quoteFor(failure.failureLine)})` : ''}`,
  };
}
