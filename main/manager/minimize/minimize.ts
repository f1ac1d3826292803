// Shrinks a reproducing script with ddmin: block-aware for Python, lines elsewhere, every variant cached by content.
import { countLines } from '../../../common/text';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { compileFunction } from 'node:vm';
import { execa } from 'execa';
import { ddmin } from './ddmin';

export interface MinimizeOptions {
  /** Syntax pre-check: a variant that does not compile is rejected without an oracle run. */
  compiles?: (script: string) => Promise<boolean>;
  /** Probes of one ddmin round run at once (default 2). */
  parallelism?: number;
  onStep?: (step: MinimizeStep) => void;
}

export interface MinimizeStep {
  phase: 'strip' | 'blocks' | 'lift' | 'lines';
  lines: number;
  oracleRuns: number;
  cacheHits: number;
}

export interface MinimizeResult {
  script: string;
  linesBefore: number;
  linesAfter: number;
  /** Calls of `reproduces` (the initial check and the final re-verification included). */
  oracleRuns: number;
  /** Variants seen before: answered from the cache, no oracle run. */
  cacheHits: number;
  /** Variants rejected by the syntax pre-check, never given to the oracle. */
  compileRejects: number;
  /** Whether the returned script reproduced when last run (false only when the original did not). */
  reproduced: boolean;
  /** The reduced script failed its re-verification, so the original is returned. */
  fellBack: boolean;
}

const INDENTED_EXTENSIONS = new Set(['py', 'pyw', 'pyi']);
const SHELL_EXTENSIONS = new Set(['sh', 'bash', 'ksh', 'zsh']);
const HASH_COMMENT_EXTENSIONS = new Set(['py', 'pyw', 'pyi', 'sh', 'bash', 'zsh', 'rb', 'pl', 'r', 'jl']);
const SLASH_COMMENT_EXTENSIONS = new Set([
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'mts',
  'cts',
  'tsx',
  'c',
  'cc',
  'cpp',
  'h',
  'go',
  'rs',
  'java',
  'kt',
  'swift',
  'cs',
  'scala',
  'php',
]);

export { countLines };

function joinLines(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Whether a line is only whitespace or a comment, for this file type. */
export function isTrivia(line: string, ext: string): boolean {
  const t = line.trim();
  if (t === '') return true;
  if (HASH_COMMENT_EXTENSIONS.has(ext) && t.startsWith('#')) return true;
  if (SLASH_COMMENT_EXTENSIONS.has(ext) && t.startsWith('//')) return true;
  return false;
}

// ---------- Python structure ----------

interface LogicalLine {
  lines: string[];
  indent: number;
  /** First code text, trimmed. */
  text: string;
  /** Ends with `:` (outside strings and comments): a compound statement header. */
  opensBlock: boolean;
  trivia: boolean;
}

/** Physical lines grouped into logical lines (open brackets, strings spanning lines, backslash continuations). */
export function logicalLines(lines: string[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: string[] = [];
  let depth = 0;
  let quote: string | null = null; // the open string's delimiter: ', ", ''' or """
  let lastCode = '';
  for (const line of lines) {
    current.push(line);
    let continued = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (quote) {
        if (ch === '\\') i++;
        else if (line.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = null;
          lastCode = '"';
        }
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        quote = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        i += quote.length - 1;
        continue;
      }
      if (ch === '\\' && i === line.length - 1) {
        continued = true;
        break;
      }
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
      if (!/\s/.test(ch)) lastCode = ch;
    }
    if (quote && quote.length === 1) quote = null; // an unterminated one-line string ends with its line
    if (depth > 0 || quote || continued) continue;
    const first = current[0] as string;
    const trivia = current.every((l) => isTrivia(l, 'py'));
    out.push({
      lines: current,
      indent: first.length - first.trimStart().length,
      text: first.trim(),
      opensBlock: !trivia && lastCode === ':',
      trivia,
    });
    current = [];
    lastCode = '';
  }
  if (current.length) {
    const first = current[0] as string;
    out.push({
      lines: current,
      indent: first.length - first.trimStart().length,
      text: first.trim(),
      opensBlock: false,
      trivia: false,
    });
  }
  return out;
}

/** A statement with its block: Python's indented suite, or a shell `if … fi`, `for … done`, `{ … }`. */
export interface BlockNode {
  id: number;
  /** Leading comments, decorators and the statement's own lines (the block's opener). */
  head: string[];
  /** The block's statements; null for a simple statement. */
  body: BlockNode[] | null;
  /** The block's closing lines (shell `fi`, `done`, `esac`, `}`); empty for Python. */
  tail: string[];
  /** Indentation of the body, for the filler that stands in for an emptied body. */
  bodyIndent: string;
  /** The statement that stands in for an emptied body (Python `pass`, shell `:`). */
  filler: string;
  /** `elif`/`else`/`except`/`finally`: belongs with the statement before it. */
  clause: boolean;
  /** Columns the body loses when it is lifted out in place of its statement (Python: body − statement indent). */
  liftDedent: number;
}

const CLAUSE = /^(elif\b|else\s*:|except\b|except\s*:|finally\s*:)/;

/** The statement tree of a Python script: each node a statement with its indented block. */
export function parsePythonBlocks(lines: string[]): BlockNode[] {
  const logical = logicalLines(lines);
  let nextId = 0;
  let pos = 0;
  const leaf = (head: string[]): BlockNode => ({
    id: nextId++,
    head,
    body: null,
    tail: [],
    bodyIndent: '',
    filler: 'pass',
    clause: false,
    liftDedent: 0,
  });
  const parse = (indent: number): BlockNode[] => {
    const nodes: BlockNode[] = [];
    let prefix: string[] = [];
    while (pos < logical.length) {
      const l = logical[pos] as LogicalLine;
      if (l.trivia || l.text.startsWith('@')) {
        prefix.push(...l.lines);
        pos++;
        continue;
      }
      if (l.indent < indent) break;
      const last = nodes[nodes.length - 1];
      if (l.indent > indent && last) {
        // Unexpected indentation: keep it with the statement before.
        last.head.push(...prefix, ...l.lines);
        prefix = [];
        pos++;
        continue;
      }
      pos++;
      const node: BlockNode = {
        ...leaf([...prefix, ...l.lines]),
        bodyIndent: `${' '.repeat(l.indent)}    `,
        clause: CLAUSE.test(l.text),
      };
      prefix = [];
      if (l.opensBlock) {
        const next = logical.slice(pos).find((x) => !x.trivia);
        if (next && next.indent > l.indent) {
          node.bodyIndent = ' '.repeat(next.indent);
          node.liftDedent = next.indent - l.indent;
          node.body = parse(next.indent);
        } else {
          node.body = [];
        }
      }
      nodes.push(node);
    }
    if (prefix.length) nodes.push(leaf(prefix));
    return nodes;
  };
  const top = parse(0);
  // Anything left (lines indented less than the first statement) stays as-is.
  while (pos < logical.length) top.push(leaf((logical[pos++] as LogicalLine).lines));
  return top;
}

/** Removes up to `n` columns of leading whitespace from each line. */
function dedent(lines: string[], n: number): string[] {
  if (n <= 0) return lines;
  return lines.map((l) => {
    let i = 0;
    while (i < n && i < l.length && (l[i] === ' ' || l[i] === '\t')) i++;
    return l.slice(i);
  });
}

/**
 * The script without the removed nodes; an emptied block gets its filler (`pass`, `:`). A lifted node
 * is replaced by its body (dedented): the statement's header and closer go, its statements stay.
 */
export function renderTree(nodes: BlockNode[], removed: ReadonlySet<number>, lifted: ReadonlySet<number> = new Set()): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (removed.has(n.id)) continue;
    if (n.body && lifted.has(n.id)) {
      out.push(...dedent(renderTree(n.body, removed, lifted), n.liftDedent));
      continue;
    }
    out.push(...n.head);
    if (n.body) {
      const body = renderTree(n.body, removed, lifted);
      out.push(
        ...(body.some((l) => l.trim() !== '' && !l.trim().startsWith('#')) ? body : [...body, `${n.bodyIndent}${n.filler}`]),
      );
    }
    out.push(...n.tail);
  }
  return out;
}

/** Sibling statements grouped with their trailing clauses (an `if` with its `elif`/`else`). */
function groupClauses(nodes: BlockNode[]): BlockNode[][] {
  const groups: BlockNode[][] = [];
  for (const n of nodes) {
    const last = groups[groups.length - 1];
    if (n.clause && last) last.push(n);
    else groups.push([n]);
  }
  return groups;
}

function allIds(n: BlockNode): number[] {
  return [n.id, ...(n.body ?? []).flatMap(allIds)];
}

// ---------- shell structure ----------

/** Code of a shell line without its trailing comment (quotes respected), trimmed. */
function shellCode(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i).trim();
  }
  return line.trim();
}

const SH_CLOSER = /^(\}|fi|done|esac)(?=$|[\s;&|<>)])/;
const SH_MIDDLE = /^(elif|else|;;)(?=$|[\s;])/;
const SH_OPENER = /(^|[\s;&|])(then|do)$|\{$|^case\s.*\sin$/;
const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/;

/**
 * The block tree of a shell script: `if … fi`, `for/while … done`, `case … esac` and `{ … }` (functions
 * included) are nodes whose bodies can be reduced or lifted out. Line continuations and here-documents
 * stay whole. Approximate by design: a variant it gets wrong fails the `bash -n` pre-check or the oracle.
 */
export function parseShellBlocks(lines: string[]): BlockNode[] {
  // Logical lines: a trailing backslash continues; a here-document runs to its terminator.
  const logical: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const group = [lines[i] as string];
    while (/(^|[^\\])\\$/.test(group[group.length - 1] as string) && i + 1 < lines.length) group.push(lines[++i] as string);
    const doc = HEREDOC.exec(shellCode(group.join('\n')));
    if (doc) {
      const word = doc[3] as string;
      while (i + 1 < lines.length) {
        const l = lines[++i] as string;
        group.push(l);
        if ((doc[1] ? l.replace(/^\t+/, '') : l) === word) break;
      }
    }
    logical.push(group);
  }
  let nextId = 0;
  let pos = 0;
  const node = (head: string[]): BlockNode => ({
    id: nextId++,
    head,
    body: null,
    tail: [],
    bodyIndent: '  ',
    filler: ':',
    clause: false,
    liftDedent: 0,
  });
  const parse = (nested: boolean): BlockNode[] => {
    const nodes: BlockNode[] = [];
    let prefix: string[] = [];
    while (pos < logical.length) {
      const group = logical[pos] as string[];
      const first = group[0] as string;
      const code = shellCode(group.join(' '));
      if (code === '') {
        prefix.push(...group);
        pos++;
        continue;
      }
      if (nested && SH_CLOSER.test(code)) break; // the caller takes it as its tail
      pos++;
      const n = node([...prefix, ...group]);
      prefix = [];
      if (!SH_MIDDLE.test(code) && SH_OPENER.test(code)) {
        n.body = parse(true);
        const next = logical[pos];
        const indent = first.length - first.trimStart().length;
        n.bodyIndent = `${' '.repeat(indent)}  `;
        if (next && SH_CLOSER.test(shellCode(next.join(' ')))) {
          n.tail = next;
          pos++;
        }
      }
      nodes.push(n);
    }
    if (prefix.length) nodes.push(node(prefix));
    return nodes;
  };
  // At the top level an unmatched closer is a plain line.
  return parse(false);
}

// ---------- line structure for other languages ----------

/** Lines grouped until their brackets balance (a function with its body, a multi-line call). */
export function bracketGroups(lines: string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let depth = 0;
  for (const line of lines) {
    current.push(line);
    const code = line.replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, '""').replace(/\/\/.*$/, '');
    for (const ch of code) {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
    }
    if (depth <= 0) {
      groups.push(current);
      current = [];
      depth = 0;
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

// ---------- the reduction ----------

/** Evaluates variants once each: cache by content hash, syntax pre-check before the oracle. */
class VariantJudge {
  oracleRuns = 0;
  cacheHits = 0;
  compileRejects = 0;
  private readonly cache = new Map<string, Promise<boolean>>();

  constructor(
    private readonly reproduces: (script: string) => Promise<boolean>,
    private readonly compiles?: (script: string) => Promise<boolean>,
  ) {}

  judge(script: string): Promise<boolean> {
    const key = createHash('sha256').update(script).digest('hex');
    const hit = this.cache.get(key);
    if (hit) {
      this.cacheHits++;
      return hit;
    }
    const result = (async () => {
      if (this.compiles && !(await this.compiles(script))) {
        this.compileRejects++;
        return false;
      }
      this.oracleRuns++;
      return this.reproduces(script);
    })();
    this.cache.set(key, result);
    return result;
  }

  /** Runs the oracle regardless of the cache (initial check, final re-verification). */
  async fresh(script: string): Promise<boolean> {
    this.oracleRuns++;
    const ok = await this.reproduces(script);
    this.cache.set(createHash('sha256').update(script).digest('hex'), Promise.resolve(ok));
    return ok;
  }
}

/**
 * ddmin over a block tree, outer levels first: whole statements (with their clauses) at each level,
 * then each remaining statement's block. Then each remaining block is tried lifted out (its header
 * and closer removed, its body in its place). Repeats until a whole pass changes nothing.
 */
async function reduceTree(
  tree: BlockNode[],
  judge: VariantJudge,
  parallelism: number,
  report: (phase: MinimizeStep['phase'], lines: number) => void,
): Promise<string[]> {
  const byId = new Map<number, BlockNode>();
  const index = (nodes: BlockNode[]): void => {
    for (const n of nodes) {
      byId.set(n.id, n);
      index(n.body ?? []);
    }
  };
  index(tree);
  const removed = new Set<number>();
  const lifted = new Set<number>();
  const variant = (extraRemoved: Iterable<number>, extraLifted: Iterable<number> = []) => {
    const r = new Set(removed);
    for (const id of extraRemoved) for (const sub of allIds(byId.get(id) as BlockNode)) r.add(sub);
    const l = new Set(lifted);
    for (const id of extraLifted) l.add(id);
    return joinLines(renderTree(tree, r, l));
  };
  const hasLiveBody = (n: BlockNode) => (n.body ?? []).some((c) => !removed.has(c.id));
  const reduceLevel = async (siblings: BlockNode[]): Promise<boolean> => {
    let changed = false;
    const live = siblings.filter((n) => !removed.has(n.id));
    if (live.length === 0) return false;
    const removeOthers = async <U>(units: U[], idsOf: (u: U) => number[]) => {
      const kept = await ddmin(
        units,
        (subset) => {
          const keep = new Set(subset.flatMap(idsOf));
          return judge.judge(variant(units.flatMap(idsOf).filter((id) => !keep.has(id))));
        },
        { parallelism },
      );
      const keep = new Set(kept.flatMap(idsOf));
      for (const id of units.flatMap(idsOf)) {
        if (!keep.has(id)) {
          for (const sub of allIds(byId.get(id) as BlockNode)) removed.add(sub);
          changed = true;
        }
      }
    };
    const groups = groupClauses(live);
    await removeOthers(groups, (g) => g.map((n) => n.id));
    const stillLive = siblings.filter((n) => !removed.has(n.id));
    if (stillLive.length > groups.filter((g) => g.every((n) => !removed.has(n.id))).length) {
      await removeOthers(stillLive, (n) => [n.id]); // clauses one by one
    }
    report('blocks', countLines(variant([])));
    for (const n of siblings) if (!removed.has(n.id) && n.body && (await reduceLevel(n.body))) changed = true;
    return changed;
  };
  /** Tries lifting each remaining block (with its clauses) out, outer first; keeps each lift that still reproduces. */
  const liftLevel = async (siblings: BlockNode[]): Promise<boolean> => {
    let changed = false;
    for (const group of groupClauses(siblings.filter((n) => !removed.has(n.id)))) {
      const blocks = group.filter((n) => n.body && !lifted.has(n.id) && hasLiveBody(n));
      const first = group[0] as BlockNode;
      if (blocks.length > 0) {
        // The whole group's bodies in sequence; else only the first's (its clauses dropped).
        const candidates: Array<{ lift: number[]; remove: number[] }> = [{ lift: group.map((n) => n.id), remove: [] }];
        if (group.length > 1 && first.body && hasLiveBody(first))
          candidates.push({ lift: [first.id], remove: group.slice(1).map((n) => n.id) });
        for (const c of candidates) {
          if (await judge.judge(variant(c.remove, c.lift))) {
            for (const id of c.lift) lifted.add(id);
            for (const id of c.remove) for (const sub of allIds(byId.get(id) as BlockNode)) removed.add(sub);
            changed = true;
            break;
          }
        }
      }
      for (const n of group) if (!removed.has(n.id) && n.body && (await liftLevel(n.body))) changed = true;
    }
    return changed;
  };
  // Removing a block can make an outer one removable, lifting one can make its neighbours removable.
  for (let pass = 0; pass < 6; pass++) {
    let changed = await reduceLevel(tree);
    if (await liftLevel(tree)) {
      changed = true;
      report('lift', countLines(variant([])));
    }
    if (!changed) break;
  }
  return renderTree(tree, removed, lifted);
}

/** Blocks first (the language's structure), then single lines, so the result is 1-minimal in lines. */
async function reduceLines(
  lines: string[],
  extension: string,
  judge: VariantJudge,
  parallelism: number,
  report: (phase: MinimizeStep['phase'], lines: number) => void,
): Promise<string[]> {
  let current = lines;
  if (INDENTED_EXTENSIONS.has(extension)) current = await reduceTree(parsePythonBlocks(lines), judge, parallelism, report);
  else if (SHELL_EXTENSIONS.has(extension)) current = await reduceTree(parseShellBlocks(lines), judge, parallelism, report);
  else {
    const groups = bracketGroups(lines);
    if (groups.length < lines.length) {
      current = (await ddmin(groups, (subset) => judge.judge(joinLines(subset.flat())), { parallelism })).flat();
      report('blocks', current.length);
    }
  }
  current = await ddmin(current, (subset) => judge.judge(joinLines(subset)), { parallelism });
  report('lines', current.length);
  return current;
}

/**
 * A smaller script that still reproduces: comments and blank lines first, then ddmin over blocks
 * (Python and shell: statements with their blocks, outer levels first, and blocks lifted out of their
 * headers; other languages: bracket-balanced groups), then lines; re-verified at the end.
 */
export async function minimizeScript(
  script: string,
  ext: string,
  reproduces: (script: string) => Promise<boolean>,
  opts: MinimizeOptions = {},
): Promise<MinimizeResult> {
  const extension = ext.replace(/^\./, '').toLowerCase();
  const parallelism = Math.max(1, opts.parallelism ?? 2);
  const judge = new VariantJudge(reproduces, opts.compiles);
  const original = script.replace(/\r\n?/g, '\n');
  const linesBefore = countLines(original);
  const report = (phase: MinimizeStep['phase'], lines: number) =>
    opts.onStep?.({ phase, lines, oracleRuns: judge.oracleRuns, cacheHits: judge.cacheHits });
  const done = (text: string, reproduced: boolean, fellBack = false): MinimizeResult => ({
    script: text,
    linesBefore,
    linesAfter: countLines(text),
    oracleRuns: judge.oracleRuns,
    cacheHits: judge.cacheHits,
    compileRejects: judge.compileRejects,
    reproduced,
    fellBack,
  });

  if (!(await judge.fresh(original))) return done(script, false);
  let lines = original.replace(/\n+$/, '').split('\n');
  const stripped = lines.filter((l) => !isTrivia(l, extension));
  if (stripped.length < lines.length && (await judge.judge(joinLines(stripped)))) lines = stripped;
  report('strip', lines.length);

  lines = await reduceLines(lines, extension, judge, parallelism, report);
  const reduced = joinLines(lines);
  if (reduced === original) return done(original, true);
  if (!(await judge.fresh(reduced))) return done(original, true, true);
  return done(reduced, true);
}

// ---------- syntax pre-checks ----------

const PY_SYNTAX_SERVER = `
import json, sys
for line in sys.stdin:
    try:
        compile(json.loads(line), "<repro>", "exec")
        ok = "1"
    except BaseException:
        ok = "0"
    sys.stdout.write(ok + "\\n")
    sys.stdout.flush()
`;

/**
 * One long-lived `python -c compile(...)` process answering syntax checks in order (a spawn per
 * variant would cost as much as the oracle run it saves). Each check is bounded; the process exits
 * when idle and never keeps this process alive. It only compiles: the script is never executed.
 */
class PythonSyntaxServer {
  private child: ChildProcess | null = null;
  private pending: Array<(ok: boolean) => void> = [];
  private buffer = '';
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly python: string,
    private readonly timeoutMs: number,
    private readonly idleMs = 2_000,
  ) {}

  check(script: string): Promise<boolean> {
    clearTimeout(this.idleTimer);
    const child = this.start();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.stop(false), this.timeoutMs);
      this.pending.push((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      child.stdin?.write(`${JSON.stringify(script)}\n`);
    });
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(this.python, ['-u', '-c', PY_SYNTAX_SERVER], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    let answered = false;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        answered = true;
        this.pending.shift()?.(line === '1');
      }
      if (this.pending.length === 0) this.idleTimer = setTimeout(() => this.stop(false), this.idleMs).unref();
    });
    child.stdin?.on('error', () => undefined); // a dead server shows up as 'exit'
    // Could not start at all: the check is unavailable, so let the oracle judge (true); a crash on an input rejects it.
    child.on('error', () => this.stop(!answered, child));
    child.on('exit', () => this.stop(false, child));
    child.unref();
    for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  }

  /** Ends the server; checks still waiting get `pendingAnswer`. */
  private stop(pendingAnswer: boolean, which: ChildProcess | null = this.child): void {
    if (!which || which !== this.child) return;
    this.child = null;
    this.buffer = '';
    clearTimeout(this.idleTimer);
    which.kill('SIGKILL');
    const waiting = this.pending;
    this.pending = [];
    for (const resolve of waiting) resolve(pendingAnswer);
  }
}

/** Whether the script compiles under `python` (a syntax check; the script is not run), each check bounded. */
export function makePythonCompileCheck(python: string, timeoutMs = 15_000): (script: string) => Promise<boolean> {
  const server = new PythonSyntaxServer(python, timeoutMs);
  return (script) => server.check(script);
}

/**
 * Whether the script parses as CommonJS (compiled in-process the way Node's loader wraps a module,
 * never run), else as an ES module (`node --input-type=module --check`, bounded).
 */
export function makeNodeCompileCheck(timeoutMs = 15_000): (script: string) => Promise<boolean> {
  return async (script) => {
    try {
      compileFunction(script, ['exports', 'require', 'module', '__filename', '__dirname']);
      return true;
    } catch {
      // not CommonJS; perhaps an ES module
    }
    const res = await execa(process.execPath, ['--input-type=module', '--check', '-'], {
      input: script,
      reject: false,
      timeout: timeoutMs,
    });
    return res.exitCode === 0;
  };
}

/** Whether the script parses as a bash script (`bash -n`: read, never run), bounded; true when bash cannot start. */
export function makeShellCompileCheck(shell = 'bash', timeoutMs = 15_000): (script: string) => Promise<boolean> {
  return async (script) => {
    const res = await execa(shell, ['-n'], { input: script, reject: false, timeout: timeoutMs, stripFinalNewline: false });
    if (res.failed && res.exitCode === undefined && !res.timedOut) return true; // could not start: let the oracle judge
    return res.exitCode === 0;
  };
}

/** The syntax pre-check for a script's extension (Python, JavaScript, shell), or undefined when there is none. */
export function compileCheckFor(ext: string, python: string): ((script: string) => Promise<boolean>) | undefined {
  const e = ext.replace(/^\./, '').toLowerCase();
  if (INDENTED_EXTENSIONS.has(e)) return makePythonCompileCheck(python);
  if (e === 'js' || e === 'cjs' || e === 'mjs') return makeNodeCompileCheck();
  if (e === 'sh' || e === 'bash') return makeShellCompileCheck();
  return undefined;
}
