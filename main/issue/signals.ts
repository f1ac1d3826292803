// Pure extraction of machine-testable failure signals, constraints and file paths from issue text.
import type { IssueSignals } from '../../common/artifacts';

// Bounds that keep a huge or hostile body cheap: every scan below is linear in the (capped) input.
export const SIGNAL_LIMITS = {
  maxChars: 200_000,
  maxLineChars: 4_000,
  exceptionTypes: 20,
  messages: 20,
  assertions: 20,
  exitCodes: 10,
  failureLines: 20,
  constraints: 20,
  targetPaths: 50,
  itemChars: 300,
} as const;

export interface SignalDetails {
  signals: IssueSignals;
  /** Whole `ExcType: message` lines (traceback final lines), the most telling ones first. */
  failure_lines: string[];
}

/** An ordered set with a size cap: keeps the first appearance of each item. */
class OrderedSet<T> {
  readonly items: T[] = [];
  private readonly seen = new Set<T>();
  constructor(private readonly cap: number) {}
  add(item: T): void {
    if (this.items.length >= this.cap || this.seen.has(item)) return;
    this.seen.add(item);
    this.items.push(item);
  }
}

export function toLines(text: string): string[] {
  const capped = (text ?? '').slice(0, SIGNAL_LIMITS.maxChars).replace(/\r\n?/g, '\n');
  return capped.split('\n').map((l) => (l.length > SIGNAL_LIMITS.maxLineChars ? l.slice(0, SIGNAL_LIMITS.maxLineChars) : l));
}

function clip(s: string): string {
  const t = s.trim();
  return t.length > SIGNAL_LIMITS.itemChars ? t.slice(0, SIGNAL_LIMITS.itemChars) : t;
}

// ---- exception names -------------------------------------------------------------------------

// Built-in exceptions whose names do not end in Error/Exception/Warning.
const OTHER_EXCEPTIONS = new Set([
  'KeyboardInterrupt',
  'StopIteration',
  'StopAsyncIteration',
  'SystemExit',
  'GeneratorExit',
  'BaseExceptionGroup',
  'ExceptionGroup',
  'BaseException',
]);
// Too generic to trust in prose ("Error handling is..."); accepted only as the head of a failure line.
const GENERIC_EXCEPTIONS = new Set(['Error', 'Exception']);
const CAMEL = /^[A-Z][A-Za-z0-9_]{0,79}$/;

/** The class name if `token` (possibly dotted, e.g. numpy.exceptions.AxisError) names an exception. */
export function exceptionName(token: string, allowGeneric = false): string | null {
  const last = token.slice(token.lastIndexOf('.') + 1);
  if (!CAMEL.test(last)) return null;
  if (GENERIC_EXCEPTIONS.has(last)) return allowGeneric ? last : null;
  if (last === 'Warning') return null; // "Warning: ..." in an issue is nearly always the reporter's own note.
  if (OTHER_EXCEPTIONS.has(last)) return last;
  return /(?:Error|Exception|Warning)$/.test(last) ? last : null;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g;
// Prefixes in front of a failure line: pytest's "E", its ">" source marker, browsers' "Uncaught".
const LINE_PREFIX = /^(?:E|>+|Uncaught|Thrown:)(?:\s+|$)/;
// "numpy.exceptions.AxisError: msg", "TypeError [ERR_INVALID_ARG_TYPE]: msg", "AssertionError".
const FAILURE_HEAD = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?: \[[A-Za-z0-9_]{1,60}\])?(?::(?: (.*))?)?$/;

function stripPrefix(line: string): string {
  let s = line.trim();
  for (let i = 0; i < 3; i++) {
    const m = LINE_PREFIX.exec(s);
    if (!m) break;
    s = s.slice(m[0].length).trimStart();
  }
  return s;
}

interface FailureLine {
  type: string;
  message: string;
  /** The line as it should be matched: qualified name, optional code, message. */
  text: string;
}

function parseFailureLine(s: string): FailureLine | null {
  const m = FAILURE_HEAD.exec(s);
  if (!m) return null;
  const qualified = m[1] ?? '';
  const type = exceptionName(qualified, m[2] !== undefined);
  if (!type) return null;
  const message = clip(m[2] ?? '');
  return { type, message, text: message ? clip(s) : type };
}

/** "…raises ValueError: kernel cannot be empty." inside prose; the message runs to the end of the line. */
function inlineFailure(line: string): FailureLine | null {
  IDENTIFIER.lastIndex = 0;
  for (let m = IDENTIFIER.exec(line); m; m = IDENTIFIER.exec(line)) {
    const end = m.index + m[0].length;
    if (line.slice(end, end + 2) !== ': ') continue;
    const type = exceptionName(m[0]);
    if (!type) continue;
    // The message ends at a closing quote or backtick, or with the sentence at the end of the line.
    const rest = line.slice(end + 2);
    const stop = rest.search(/[`"\u201d]/);
    const message = clip((stop >= 0 ? rest.slice(0, stop) : rest).replace(/[.\s]+$/, ''));
    if (!message) continue;
    return { type, message, text: `${m[0]}: ${message}` };
  }
  return null;
}

// ---- quoted messages ---------------------------------------------------------------------------

const ERROR_WORDS =
  /\b(?:errors?|exceptions?|raise[sd]?|raising|throws?|thrown|threw|fail(?:s|ed|ure|ing)?|crash(?:es|ed)?|messages?|warn(?:s|ed|ing)?|panic(?:s|ked)?)\b/i;
const QUOTES: ReadonlyArray<[string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
];
const COMMAND_WORDS =
  /^(?:python3?|pip3?|pytest|npm|npx|node|yarn|pnpm|git|cd|make|cargo|go|uv|bash|sh|sudo|conda|import|from|def|class|const|let|var|function|return|await|new)\b/;

/** Strings in quotes or backticks on the line, scanned linearly. */
function quotedStrings(line: string): string[] {
  const out: string[] = [];
  for (const [open, close] of QUOTES) {
    let from = 0;
    while (from < line.length) {
      const start = line.indexOf(open, from);
      if (start < 0) break;
      const end = line.indexOf(close, start + 1);
      if (end < 0) break;
      // An apostrophe inside a word ("doesn't") is not a quote.
      const before = line[start - 1];
      const after = line[end + 1];
      const wordy = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
      if (open === "'" && (wordy(before) || wordy(after))) {
        from = start + 1;
        continue;
      }
      out.push(line.slice(start + 1, end));
      from = end + 1;
    }
  }
  return out;
}

/** A human-readable message rather than code, a command or a name. */
export function looksLikeMessage(s: string): boolean {
  const t = s.trim();
  if (t.length < 4 || t.length > SIGNAL_LIMITS.itemChars) return false;
  if (!/\s/.test(t) || !/[A-Za-z]{2}/.test(t)) return false;
  if (COMMAND_WORDS.test(t)) return false;
  if (/[A-Za-z0-9_\]]\(|=>|==|!=|;\s*$|^[\w.[\]]+\s*=|\.(?:py|js|ts|sh)\b/.test(t)) return false;
  return true;
}

// ---- assertions --------------------------------------------------------------------------------

// "expected 3 but got 4", "Expected [1] to equal [2], received [3]"; bounded so it stays linear.
const EXPECTED_GOT =
  /\bexpected\b.{1,200}?\b(?:but[ \t]{1,5}(?:got|received|was|is|returned|found)|got|received|instead[ \t]{1,5}of)\b.{0,200}/i;
const ASSERT_LINE = /^assert(?:\s|\()/;
const JEST_EXPECT = /^expect\(.{0,300}\)\.(?:not\.)?\w+\(/;

// ---- exit codes --------------------------------------------------------------------------------

const EXIT_PHRASE =
  /\b(exit(?:ed|s)?(?:[ \t]{1,5}with)?(?:[ \t]{1,5}(?:code|status))?|return[ \t]?code|returncode|status(?:[ \t]{1,5}code)?)[ \t]{0,5}[:=]?[ \t]{0,5}(-?\d{1,3})\b/gi;
const HTTP_CONTEXT = /\bhttps?\b|\bresponse\b|\brequest\b|\bAPI\b/i;
const SIGNAL_CODES: ReadonlyArray<[RegExp, number]> = [
  [/\bsegmentation fault\b|\bsegfault(?:s|ed)?\b|\bSIGSEGV\b/i, 139],
  [/\bAborted \(core dumped\)|\bSIGABRT\b/, 134],
  [/\bSIGBUS\b|^Bus error\b/, 135],
  [/\bSIGFPE\b|\bFloating point exception\b/, 136],
  [/\bSIGILL\b|^Illegal instruction\b/, 132],
  [/\bSIGKILL\b|^Killed$/, 137],
];

/** A process exit status that signals failure (1..255); a negative Python returncode -N is signal N. */
function exitStatus(raw: number): number | null {
  if (raw < 0) return -raw <= 64 ? 128 - raw : null;
  return raw >= 1 && raw <= 255 ? raw : null;
}

function exitCodesOf(line: string, out: OrderedSet<number>): void {
  EXIT_PHRASE.lastIndex = 0;
  for (let m = EXIT_PHRASE.exec(line); m; m = EXIT_PHRASE.exec(line)) {
    const phrase = (m[1] ?? '').toLowerCase();
    // "status 200" in an HTTP context is a response status, not a process exit.
    if (phrase.startsWith('status') && HTTP_CONTEXT.test(line)) continue;
    const code = exitStatus(Number(m[2]));
    if (code !== null) out.add(code);
  }
  for (const [re, code] of SIGNAL_CODES) if (re.test(line.trim())) out.add(code);
}

// ---- signals -----------------------------------------------------------------------------------

const CHAINED =
  /^(?:During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception)/;

export function extractSignalDetails(title: string, body: string): SignalDetails {
  const types = new OrderedSet<string>(SIGNAL_LIMITS.exceptionTypes);
  // Messages of failure lines come before quoted ones: they are what the program actually printed.
  const messages = new OrderedSet<string>(SIGNAL_LIMITS.messages);
  const quotedMessages = new OrderedSet<string>(SIGNAL_LIMITS.messages);
  const assertions = new OrderedSet<string>(SIGNAL_LIMITS.assertions);
  const exitCodes = new OrderedSet<number>(SIGNAL_LIMITS.exitCodes);
  const failures: FailureLine[] = [];
  // A failure line followed by "During handling of the above exception" is context, not the failure.
  const demoted = new Set<FailureLine>();

  const addFailure = (f: FailureLine) => {
    types.add(f.type);
    if (f.message) messages.add(f.message);
    if (f.type === 'AssertionError') assertions.add(f.text);
    if (f.message && failures.length < SIGNAL_LIMITS.failureLines && !failures.some((x) => x.text === f.text)) failures.push(f);
  };

  const lines = toLines(`${title ?? ''}\n${body ?? ''}`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim()) continue;
    const stripped = stripPrefix(line);
    if (CHAINED.test(stripped) && failures.length > 0) demoted.add(failures[failures.length - 1] as FailureLine);

    const quoted = quotedStrings(line);
    const quotedFailures = quoted
      .map((q) => parseFailureLine(q.trim()))
      .filter((f): f is FailureLine => f !== null && f.message !== '');
    const head = parseFailureLine(stripped) ?? (quotedFailures.length ? null : inlineFailure(line));
    if (head) addFailure(head);
    quotedFailures.forEach(addFailure);
    IDENTIFIER.lastIndex = 0;
    for (let m = IDENTIFIER.exec(line); m; m = IDENTIFIER.exec(line)) {
      const t = exceptionName(m[0]);
      if (t) types.add(t);
    }
    if (ERROR_WORDS.test(line)) {
      for (const q of quoted) if (looksLikeMessage(q) && !parseFailureLine(q.trim())) quotedMessages.add(clip(q));
    }

    if (ASSERT_LINE.test(stripped) || JEST_EXPECT.test(stripped)) assertions.add(clip(stripped));
    const eg = EXPECTED_GOT.exec(line);
    if (eg) assertions.add(clip(eg[0].replace(/[.\s]+$/, '')));
    if (/^Expected:/.test(stripped)) {
      const received = lines
        .slice(i + 1, i + 4)
        .map(stripPrefix)
        .find((l) => /^Received:/.test(l));
      if (received) assertions.add(clip(`${stripped} ${received}`));
    }
    exitCodesOf(line, exitCodes);
  }

  quotedMessages.items.forEach((m) => messages.add(m));
  const ordered = [...failures.filter((f) => !demoted.has(f)), ...failures.filter((f) => demoted.has(f))];
  return {
    signals: {
      exception_types: types.items,
      messages: messages.items,
      assertion_failures: assertions.items,
      exit_codes: exitCodes.items,
    },
    failure_lines: ordered.map((f) => f.text),
  };
}

export function extractSignals(title: string, body: string): IssueSignals {
  return extractSignalDetails(title, body).signals;
}

export function hasTestableSignal(s: IssueSignals): boolean {
  return s.exception_types.length + s.messages.length + s.assertion_failures.length + s.exit_codes.length > 0;
}

// ---- constraints -------------------------------------------------------------------------------

const VERSION = /\d+\.\d+/;
const TOOL_WORDS =
  /\b(?:python|cpython|pypy|numpy|scipy|pandas|matplotlib|torch|pytorch|tensorflow|jax|django|flask|fastapi|pydantic|node(?:\.?js)?|npm|pnpm|yarn|deno|bun|typescript|react|electron|java|jdk|kotlin|golang|go|rust|rustc|cargo|gcc|clang|llvm|cmake|ruby|rails|php|dotnet|cuda|docker|pip|conda|glibc|openssl|version|ver)\b/i;
const OS_WORDS =
  /\b(?:linux|ubuntu|debian|fedora|centos|rhel|alpine|macos|mac os|os x|osx|darwin|windows|win32|win64|wsl2?|freebsd|android|ios|x86_64|aarch64|arm64|apple silicon)\b/i;
const ENV_LABEL = /^(?:os|platform|environment|arch(?:itecture)?|system)\s*:/i;
const ONLY = /\bonly\s+(?:on|when|with|in|if|under|for|after|since|happens|occurs|fails|reproduces)\b/i;
const PIN = /\b[A-Za-z][\w.-]{0,60}(?:==|@)v?\d/;
const FRAME_LINE = /^\s*(?:File "|at\s|Traceback \(most recent call last\))|site-packages|dist-packages|node_modules\//;

export function extractConstraints(body: string): string[] {
  const out = new OrderedSet<string>(SIGNAL_LIMITS.constraints);
  let inFence = false;
  for (const raw of toLines(body)) {
    if (/^\s*(?:```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    if (!raw.trim() || FRAME_LINE.test(raw)) continue;
    const line = raw
      .trim()
      .replace(/^(?:[-*+>]|\d+\.)\s+/, '')
      .replace(/\*\*/g, '')
      .trim();
    // Inside code blocks only tool output counts, not code ("x = np.array([1.5])" names numpy and a number).
    const codeLike = inFence && /[(=]/.test(line.replace(/==/g, ''));
    const labelled = ENV_LABEL.test(line) && Boolean(line.slice(line.indexOf(':') + 1).trim());
    const isVersion = !codeLike && VERSION.test(line) && TOOL_WORDS.test(line);
    const isEnv = !codeLike && OS_WORDS.test(line) && (!inFence || labelled);
    if (isVersion || isEnv || labelled || (!inFence && ONLY.test(line)) || PIN.test(line)) out.add(clip(line).slice(0, 200));
  }
  return out.items;
}

// ---- target paths ------------------------------------------------------------------------------

const SOURCE_EXTENSIONS = new Set(
  (
    'py pyi pyx pxd c h cc cpp cxx hpp hh cu cuh js mjs cjs jsx ts mts cts tsx vue svelte rs go java kt kts scala rb php cs fs swift ' +
    'm mm sh bash zsh ps1 pl lua r jl dart ex exs erl hs ml clj sql toml yaml yml json ini cfg conf xml html css scss md rst txt ' +
    'lock gradle cmake mk proto graphql ipynb'
  ).split(' '),
);
// Product names that look like file names when written without a folder.
const NOT_FILES = /^(?:node|vue|next|nuxt|react|express|three|d3|chart|ember|backbone|angular|socket\.io|moment|day)\.js$/i;
const TOKEN_SPLIT = /[\s"'`()<>[\]{},;|*]+/;
const SEGMENT = /^[A-Za-z0-9_.@+-]{1,255}$/;
const BLOB_URL = /^https?:\/\/[^/]+\/[^/]+\/[^/]+\/(?:blob|tree|raw)\/[^/]+\/(.+)$/;
const PACKAGE_ROOT = /(?:^|\/)(?:site-packages|dist-packages)\/(.+)$/;

/** Repository-relative path named by a token, or null. */
export function pathFromToken(token: string): string | null {
  let t = token.replace(/[.,:;!?]+$/, '');
  const blob = BLOB_URL.exec(t);
  if (blob) t = blob[1] ?? '';
  else if (t.includes('://')) return null;
  t = t
    .replace(/#L\d+(?:-L?\d+)?$/, '')
    .replace(/::.*$/, '')
    .replace(/(?::\d+){1,2}$/, '');
  // An installed package's files map onto the package's repository; other absolute paths cannot be mapped.
  const pkg = PACKAGE_ROOT.exec(t);
  if (pkg) t = pkg[1] ?? '';
  else if (t.startsWith('/')) return null;
  while (t.startsWith('./')) t = t.slice(2);
  if (!t || t.length > 500) return null;
  const segments = t.split('/');
  if (segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) return null;
  const last = segments[segments.length - 1] ?? '';
  const dot = last.lastIndexOf('.');
  if (dot <= 0) return null;
  if (!SOURCE_EXTENSIONS.has(last.slice(dot + 1).toLowerCase())) return null;
  if (segments.length === 1 && NOT_FILES.test(last)) return null;
  return t;
}

export function extractTargetPaths(body: string): string[] {
  const out = new OrderedSet<string>(SIGNAL_LIMITS.targetPaths);
  for (const line of toLines(body)) {
    for (const token of line.split(TOKEN_SPLIT)) {
      if (token.length < 3 || !token.includes('.')) continue;
      const p = pathFromToken(token);
      if (p) out.add(p);
    }
  }
  return out.items;
}
