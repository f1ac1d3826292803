// Checks a hypothesis' evidence {file, line, snippet} against the repository as it was at the run's commit.
import path from 'node:path';
import { runGit } from '../../git/git';
import type { Evidence } from '../../../common/agentAnswers';

/** Reads a repository-relative file at a fixed commit; null when it does not exist there. */
export type RepoReader = ((relPath: string) => Promise<string | null>) & {
  /** Absolute repository path, so absolute evidence paths inside it can be made relative. */
  readonly repoPath?: string;
  /** Other absolute checkouts of the same commit (workers' worktrees) whose paths map the same way. */
  readonly extraRoots?: readonly string[];
  /** The commit read from, for messages. */
  readonly commit?: string;
};

export interface EvidenceCheck {
  valid: boolean;
  /** Why it is valid or not, in words a person can act on. */
  reason: string;
  /** The repository-relative path the evidence resolved to ("" when the path itself was refused). */
  normalizedFile: string;
  /** The line whose text matched the snippet (within ±SNIPPET_WINDOW of the claimed line). */
  matchedLine: number | null;
  /** The function or method enclosing matchedLine, when one can be recognised. */
  enclosingFunction: string | null;
}

/** How far from the claimed line a snippet may match. */
export const SNIPPET_WINDOW = 3;
/** Snippets shorter than this (without whitespace) must equal the whole line, not just occur in it. */
const MIN_CONTAINED_SNIPPET = 5;
const MAX_SNIPPET_LINE = 2_000;
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const GIT_TIMEOUT_MS = 15_000;
const SAFE_COMMIT = /^[A-Za-z0-9][A-Za-z0-9._/^~@{}-]{0,199}$/;

export type PathResolution = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Turns an agent's file field into a repository-relative POSIX path, or refuses it.
 * Tolerates "./x", "path:line[:col]", "path#L12", backslashes and file:// URLs; an absolute path is
 * accepted only inside one of `roots` (the repository, and checkouts of it at the same commit such
 * as the workers' worktrees). A path that still climbs out ("..") after normalisation is refused.
 */
export function resolveEvidencePath(file: string, roots: readonly string[] = []): PathResolution {
  if (typeof file !== 'string') return { ok: false, reason: 'file is not a string' };
  let p = file.trim();
  if (p.length === 0) return { ok: false, reason: 'file is empty' };
  if (p.length > 1_000) return { ok: false, reason: 'file path is longer than 1000 characters' };
  if (/[\0\n\r]/.test(p)) return { ok: false, reason: 'file path contains control characters' };
  p = p.replace(/^file:\/\//, '').replace(/\\/g, '/');
  // The claimed line is ev.line; a line suffix in the file field is only tolerated.
  p = p.replace(/#L\d+(?:-L?\d+)?$/, '').replace(/:\d+(?::\d+)?$/, '');
  if (/^[A-Za-z]:\//.test(p)) return { ok: false, reason: `absolute Windows path ${p} is not inside the repository` };
  if (p.startsWith('/')) {
    const absolute = path.posix.normalize(p);
    const normalizedRoots = roots.map((r) => path.posix.normalize(r.replace(/\\/g, '/')).replace(/\/+$/, ''));
    const root = normalizedRoots.find((r) => r.length > 0 && absolute.startsWith(`${r}/`));
    if (!root) {
      const where = normalizedRoots[0] ? `the repository ${normalizedRoots[0]}` : 'the repository';
      return { ok: false, reason: `absolute path ${absolute} is outside ${where}` };
    }
    p = absolute.slice(root.length + 1);
  }
  while (p.startsWith('./')) p = p.slice(2);
  const normalized = path.posix.normalize(p).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../') || normalized.split('/').includes('..')) {
    return { ok: false, reason: `path ${file.trim().slice(0, 200)} escapes the repository` };
  }
  if (normalized === '.' || normalized === '') return { ok: false, reason: 'file names no file' };
  return { ok: true, path: normalized };
}

/** Paths to try in order: as given, then without a diff prefix ("a/", "b/") when it has one. */
function pathCandidates(rel: string): string[] {
  const m = /^[ab]\/(.+)$/.exec(rel);
  return m?.[1] ? [rel, m[1]] : [rel];
}

/** Whitespace-insensitive form of a line of code. */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The forms of a snippet line worth comparing: as given, without a "14:"/"14 |" prefix, without a trailing "...". */
function snippetForms(line: string): string[] {
  const forms = new Set<string>();
  const base = squeeze(line.slice(0, MAX_SNIPPET_LINE));
  forms.add(base);
  const unnumbered = squeeze(line.replace(/^\s*\d+\s*[:|]\s?/, '').slice(0, MAX_SNIPPET_LINE));
  forms.add(unnumbered);
  for (const f of [...forms]) {
    const trimmed = f.replace(/(\.\.\.|…)$/, '');
    if (trimmed.length > 0) forms.add(trimmed);
  }
  return [...forms].filter((f) => f.length > 0);
}

function lineMatches(fileLine: string, forms: string[]): boolean {
  const text = squeeze(fileLine);
  if (text.length === 0) return false;
  return forms.some((f) => f === text || (f.length >= MIN_CONTAINED_SNIPPET && text.includes(f)));
}

/** Lines of a file, without the empty string after a final newline. */
export function fileLines(content: string): string[] {
  const lines = content.split(/\r?\n/);
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Where the snippet's first non-empty line matches, searching the claimed line first, then
 * ±1, ±2, ... ±window (the earlier line first on a tie); null when nowhere.
 */
export function findSnippetLine(lines: string[], claimed: number, snippet: string, window = SNIPPET_WINDOW): number | null {
  const first = snippet.split(/\r?\n/).find((l) => l.trim().length > 0);
  if (first === undefined) return null;
  const forms = snippetForms(first);
  if (forms.length === 0) return null;
  for (let d = 0; d <= window; d++) {
    for (const n of d === 0 ? [claimed] : [claimed - d, claimed + d]) {
      const text = lines[n - 1];
      if (n >= 1 && text !== undefined && lineMatches(text, forms)) return n;
    }
  }
  return null;
}

const NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'return', 'elif', 'else', 'function']);
const FUNCTION_PATTERNS: RegExp[] = [
  /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/,
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/,
  /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/,
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+([A-Za-z_]\w*)/,
  /^\s*func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(/,
  /^\s*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^;]*\)\s*(?::\s*[^{;]+)?\{\s*$/,
];

function indentOf(line: string): number {
  return (/^[ \t]*/.exec(line)?.[0] ?? '').replace(/\t/g, '    ').length;
}

/**
 * The name of the function enclosing a line (a heuristic over common languages): the nearest
 * declaration above it; for Python-like code, one indented less than the line (or the line itself).
 */
export function enclosingFunction(lines: string[], lineNo: number): string | null {
  const target = lines[lineNo - 1];
  if (target === undefined) return null;
  const targetIndent = target.trim().length > 0 ? indentOf(target) : Number.POSITIVE_INFINITY;
  for (let n = lineNo; n >= 1 && n > lineNo - 400; n--) {
    const text = lines[n - 1] ?? '';
    for (const pattern of FUNCTION_PATTERNS) {
      const name = pattern.exec(text)?.[1];
      if (!name || NOT_FUNCTIONS.has(name)) continue;
      const isDef = /^\s*(?:async\s+)?def\s/.test(text);
      if (isDef && n !== lineNo && indentOf(text) >= targetIndent) continue;
      return name;
    }
  }
  return null;
}

function describeFile(rel: string, read: RepoReader): string {
  return read.commit ? `${rel} at commit ${read.commit.slice(0, 12)}` : rel;
}

/** Checks one evidence row: the file exists at the commit, the line is in range, the snippet is near it. */
export async function checkEvidence(ev: Evidence, read: RepoReader): Promise<EvidenceCheck> {
  const invalid = (reason: string, normalizedFile = ''): EvidenceCheck => ({
    valid: false,
    reason,
    normalizedFile,
    matchedLine: null,
    enclosingFunction: null,
  });
  const roots = [...(read.repoPath ? [read.repoPath] : []), ...(read.extraRoots ?? [])];
  const resolved = resolveEvidencePath(ev?.file, roots);
  if (!resolved.ok) return invalid(resolved.reason);
  const line = ev.line;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) {
    return invalid(`line ${String(line)} is not a line number (lines start at 1)`, resolved.path);
  }
  let rel = resolved.path;
  let content: string | null = null;
  for (const candidate of pathCandidates(resolved.path)) {
    content = await read(candidate);
    if (content !== null) {
      rel = candidate;
      break;
    }
  }
  if (content === null) return invalid(`file ${describeFile(resolved.path, read)} does not exist`, resolved.path);
  const lines = fileLines(content);
  if (line > lines.length) {
    return invalid(`line ${line} is beyond the end of ${rel} (${lines.length} lines)`, rel);
  }
  const snippet = typeof ev.snippet === 'string' ? ev.snippet : '';
  if (snippet.trim().length === 0) return invalid(`snippet is empty; nothing to check at ${rel}:${line}`, rel);
  const matched = findSnippetLine(lines, line, snippet);
  if (matched === null) {
    const quoted = (snippet.split(/\r?\n/).find((l) => l.trim()) ?? '').trim().slice(0, 80);
    return invalid(`snippet "${quoted}" not found within ±${SNIPPET_WINDOW} lines of ${rel}:${line}`, rel);
  }
  return {
    valid: true,
    reason: matched === line ? `snippet matches ${rel}:${line}` : `snippet matches ${rel}:${matched} (claimed line ${line})`,
    normalizedFile: rel,
    matchedLine: matched,
    enclosingFunction: enclosingFunction(lines, matched),
  };
}

/**
 * A reader of files as they are at `commit` (never the working tree), through `git cat-file`,
 * bounded in size and time, cached per path. Paths that are not plain repository-relative paths
 * read as null. `extraRoots` are other checkouts of that commit (the workers' worktrees), so that
 * absolute paths an agent quotes from its own worktree resolve too.
 */
export function makeRepoReader(repoPath: string, commit: string, extraRoots: readonly string[] = []): RepoReader {
  if (!SAFE_COMMIT.test(commit)) throw new Error(`not a commit: ${JSON.stringify(commit)}`);
  const root = path.resolve(repoPath);
  const cache = new Map<string, Promise<string | null>>();
  const readAtCommit = async (rel: string): Promise<string | null> => {
    const result = await runGit(['-C', root, 'cat-file', 'blob', `${commit}:${rel}`], {
      timeoutMs: GIT_TIMEOUT_MS,
      maxBuffer: MAX_FILE_BYTES,
      keepFinalNewline: true,
    });
    // A file larger than the bound is read up to the bound (the truncated output is kept).
    if (result.exitCode !== 0 && !result.truncated) return null;
    return result.stdout;
  };
  const read = (relPath: string): Promise<string | null> => {
    const resolved = resolveEvidencePath(relPath);
    if (!resolved.ok || resolved.path !== relPath) return Promise.resolve(null);
    let pending = cache.get(relPath);
    if (!pending) {
      pending = readAtCommit(relPath).catch(() => null);
      cache.set(relPath, pending);
    }
    return pending;
  };
  return Object.assign(read, { repoPath: root, commit, extraRoots: extraRoots.map((r) => path.resolve(r)) });
}
