import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueSignals } from '../../../common/artifacts';
import { createSampleRepo, type SampleRepo } from '../../../testkit/sampleRepos';
import {
  countLines,
  makeNodeCompileCheck,
  makePythonCompileCheck,
  makeShellCompileCheck,
  minimizeScript,
  parsePythonBlocks,
  parseShellBlocks,
  renderTree,
} from './minimize';
import { makeReproducesCheck, validateCandidate } from '../repro/validate';
import type { Sandbox } from '../../process/sandbox';
import { testSandbox } from '../../../testkit/sandbox';

const SIGNALS: IssueSignals = {
  exception_types: ['ValueError'],
  messages: ['kernel cannot be empty'],
  assertion_failures: [],
  exit_codes: [],
};
const CLAIM = 'ValueError: kernel cannot be empty';

let dir: string;
let py: SampleRepo;
let sandbox: Sandbox;
let python: string; // the real interpreter behind python3 (no shim in every probe)
beforeAll(async () => {
  sandbox = await testSandbox();
  python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 20_000 })).stdout.trim();
  dir = await mkdtemp(join(tmpdir(), 'mminions-minimize-'));
  py = await createSampleRepo('python-convolve', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOISY = `#!/usr/bin/env python3
"""Reproducer for: convolve reports the wrong argument as empty."""
import os
import sys
import json
import math

import statsmini

# Some setup that is not needed.
DEBUG = os.environ.get("DEBUG", "0") == "1"


def log(msg):
    if DEBUG:
        print(msg, file=sys.stderr)


class Recorder:
    def __init__(self):
        self.events = []

    def add(self, event):
        self.events.append(event)
        return len(self.events)


rec = Recorder()
for i in range(3):
    rec.add({"step": i, "sqrt": math.sqrt(i)})
    log(json.dumps(rec.events[-1]))

print("statsmini version", statsmini.__version__)
print("mean:", statsmini.mean([1, 2, 3]))
if statsmini.median([1, 2, 3]) == 2:
    log("median ok")
else:
    log("median broken")
result = statsmini.convolve([], [1, 2])
print(result)
`;

/** A real oracle: `{python} {repro_file}` (or `command` for another file type) in the repository, through convolve. */
function realOracle(record?: string[], o: { command: string; ext: string } = { command: '{python} {repro_file}', ext: 'py' }) {
  const check = makeReproducesCheck({
    answer: { candidate_id: 'min', oracle_command: o.command, claimed_failure_signature: CLAIM, file_extension: o.ext },
    worktree: py.path,
    python,
    signals: SIGNALS,
    sandbox,
    timeoutMs: 20_000,
    requiredFrames: ['statsmini/core.py:convolve'],
  });
  return async (script: string) => {
    record?.push(script);
    return check(script);
  };
}

describe('minimizeScript (Python, real oracle)', () => {
  it('shrinks a noisy 40-line repro to the import and the call, and it still reproduces', async () => {
    expect(NOISY.trim().split('\n').length).toBe(40);
    const r = await minimizeScript(NOISY, 'py', realOracle(), { compiles: makePythonCompileCheck(python), parallelism: 2 });
    expect(r).toMatchObject({ linesBefore: countLines(NOISY), reproduced: true, fellBack: false }); // its non-blank lines
    expect(r.script).toBe('import statsmini\nresult = statsmini.convolve([], [1, 2])\n');
    expect(r.linesAfter).toBe(2);
    expect(r.oracleRuns).toBeGreaterThan(2);
    expect(r.cacheHits).toBeGreaterThan(0); // the second pass revisits variants already judged

    const v = await validateCandidate({
      answer: {
        candidate_id: 'minimal',
        script: r.script,
        setup_commands: [],
        oracle_command: 'python3 {repro_file}',
        claimed_failure_signature: CLAIM,
        file_extension: 'py',
      },
      worktree: py.path,
      runs: 2,
      minMatches: 2,
      timeoutMs: 20_000,
      python,
      signals: SIGNALS,
      sandbox,
    });
    expect(v).toMatchObject({ passed: true, matches: 2 });
    expect(v.repo_frames).toEqual(['statsmini/core.py:convolve']);
  }, 180_000);

  it('never gives the oracle a variant that does not compile, and rejects reductions that bypass the repository code', async () => {
    const script = [
      'import statsmini',
      'def check(values):',
      '    if not values:',
      '        raise ValueError("kernel cannot be empty")',
      'try:',
      '    statsmini.convolve([], [1, 2])',
      'except TypeError:',
      '    pass',
      'check([])',
      '',
    ].join('\n');
    const seen: string[] = [];
    const r = await minimizeScript(script, 'py', realOracle(seen), { compiles: makePythonCompileCheck(python), parallelism: 2 });
    expect(r.compileRejects).toBeGreaterThan(0);
    expect(r.oracleRuns).toBe(seen.length);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(seen.length - 1); // only the final re-verification repeats
    // Every script the oracle saw compiles.
    const compiled = await execa(
      python,
      [
        '-c',
        'import json, sys\nbad = 0\nfor s in json.load(sys.stdin):\n    try:\n        compile(s, "<v>", "exec")\n    except SyntaxError:\n        bad += 1\nprint(bad)',
      ],
      {
        input: JSON.stringify(seen),
        timeout: 20_000,
      },
    );
    expect(compiled.stdout.trim()).toBe('0');
    // `check([])` raises the same ValueError but outside statsmini: the convolve call must stay.
    expect(r.script).toContain('statsmini.convolve([], [1, 2])');
    expect(r.script).not.toContain('check(');
  }, 180_000);
});

describe('minimizeScript lifts blocks out of their headers (real oracles)', () => {
  it('Python: the failing call leaves its def/if/try for the top level', async () => {
    const script = [
      'import os',
      'import statsmini',
      'def outer():',
      '    if True:',
      '        with open(os.devnull) as fh:',
      '            try:',
      '                statsmini.convolve([], [1, 2])',
      '            finally:',
      '                fh.flush()',
      'outer()',
      '',
    ].join('\n');
    const r = await minimizeScript(script, 'py', realOracle(), { compiles: makePythonCompileCheck(python), parallelism: 2 });
    expect(r.script).toBe('import statsmini\nstatsmini.convolve([], [1, 2])\n');
    expect(r.reproduced).toBe(true);
  });

  it('shell: a function body and a loop body are lifted out, opener and closer removed together', async () => {
    const check = realOracle(undefined, { command: 'bash {repro_file}', ext: 'sh' });
    const call = `  python3 -c 'import statsmini; statsmini.convolve([], [1, 2])'`;
    const script = [
      '#!/usr/bin/env bash',
      'set -e',
      'note() {',
      '  echo "note: $*" >&2',
      '}',
      'run_it() {',
      '  for k in 1; do',
      `  ${call}`,
      '  done',
      '}',
      'if [ -n "${HOME:-}" ]; then',
      '  note home',
      'else',
      '  note none',
      'fi',
      'run_it',
      '',
    ].join('\n');
    const r = await minimizeScript(script, 'sh', check, { compiles: makeShellCompileCheck(), parallelism: 2 });
    expect(r.script.trim()).toBe(call.trim());
    expect(r.reproduced).toBe(true);
  });
});

describe('minimizeScript (synthetic oracle)', () => {
  it('answers repeated variants from the cache and counts oracle runs exactly', async () => {
    const calls: string[] = [];
    const reproduces = async (s: string) => {
      calls.push(s);
      return s.includes('A = 1') && s.includes('boom(A)');
    };
    const script = [
      'A = 1',
      'B = 2',
      'if B:',
      '    C = 3',
      '    D = 4',
      'def boom(x):',
      '    return x',
      'boom(A)',
      'print(B)',
      '',
    ].join('\n');
    const r = await minimizeScript(script, 'py', reproduces, { parallelism: 3 });
    expect(r.script).toBe('A = 1\nboom(A)\n');
    expect(r.oracleRuns).toBe(calls.length);
    expect(r.cacheHits).toBeGreaterThan(0);
    // Apart from the initial check and the final re-verification, no variant reached the oracle twice.
    const repeated = calls.filter((c, i) => calls.indexOf(c) !== i);
    expect(repeated).toEqual([r.script]);
  });

  it('returns the original, unverified, when it does not reproduce', async () => {
    const r = await minimizeScript('print(1)\n', 'py', async () => false);
    expect(r).toMatchObject({ script: 'print(1)\n', reproduced: false, oracleRuns: 1 });
  });

  it('falls back to the original when the reduced script fails its re-verification', async () => {
    const original = 'x = 1\ny = 2\nraise_it()\n';
    const seen = new Map<string, number>();
    // Flaky: the reduced script reproduces once, then no more.
    const reproduces = async (s: string) => {
      const n = (seen.get(s) ?? 0) + 1;
      seen.set(s, n);
      return s.includes('raise_it') && !(s === 'raise_it()\n' && n > 1);
    };
    const r = await minimizeScript(original, 'js', reproduces);
    expect(seen.get('raise_it()\n')).toBe(2);
    expect(r).toMatchObject({ script: original, fellBack: true, reproduced: true, linesAfter: 3 });
  });
});

describe('minimizeScript (Node.js, real oracle)', () => {
  it('reduces a JavaScript repro line by line with the node syntax check', async () => {
    const node = await createSampleRepo('node-textkit', dir);
    const script = [
      "'use strict';",
      '// Repro: pad() blames the width.',
      "const { pad, truncate } = require('lib/textkit');",
      'function banner(text) {',
      '  return truncate(text, 10);',
      '}',
      "console.log(banner('hello world, this is long'));",
      'const width = 8;',
      'pad(undefined, width);',
      '',
    ].join('\n');
    const check = makeReproducesCheck({
      answer: {
        candidate_id: 'js',
        oracle_command: 'node {repro_file}',
        claimed_failure_signature: 'TypeError: width must be a number',
        file_extension: 'js',
      },
      worktree: node.path,
      python: 'python3',
      signals: { exception_types: ['TypeError'], messages: ['width must be a number'], assertion_failures: [], exit_codes: [] },
      sandbox,
      timeoutMs: 20_000,
      requiredFrames: ['lib/textkit.js:pad'],
    });
    const r = await minimizeScript(script, 'js', check, { compiles: makeNodeCompileCheck(), parallelism: 2 });
    expect(r.script).toBe("const { pad, truncate } = require('lib/textkit');\nconst width = 8;\npad(undefined, width);\n");
    expect(r.reproduced).toBe(true);
  }, 180_000);
});

describe('syntax pre-checks', () => {
  it('python: answers many concurrent checks in order, from one interpreter', async () => {
    const compiles = makePythonCompileCheck(python);
    const scripts = [
      'x = 1\n',
      'def f(:\n',
      'if x:\n    pass\n',
      'if x:\npass\n',
      'print("a")\n',
      'raise ValueError("never run")\n',
      'x = (\n',
    ];
    expect(await Promise.all(scripts.map(compiles))).toEqual([true, false, true, false, true, true, false]);
    // An interpreter that cannot start does not veto variants: the oracle judges them.
    expect(await makePythonCompileCheck(join(dir, 'no-python'))('def f(:\n')).toBe(true);
  });

  it('node: CommonJS or ES module syntax passes, broken syntax does not', async () => {
    const compiles = makeNodeCompileCheck();
    expect(await compiles("const a = require('x');\n")).toBe(true);
    expect(await compiles("import fs from 'node:fs';\nawait 1;\n")).toBe(true);
    expect(await compiles('function (\n')).toBe(false);
  });
});

describe('parseShellBlocks', () => {
  it('nests if/for/case/functions with their closers, keeps continuations and here-documents whole', () => {
    const lines = [
      'f() {',
      '  if [ "$1" = "#" ]; then # a comment',
      '    echo one \\',
      '      two',
      '  else',
      '    cat <<EOF',
      'fi done }',
      'EOF',
      '  fi',
      '}',
      'for x in 1 2; do',
      '  case "$x" in',
      '    1) echo a ;;',
      '  esac',
      'done',
      'echo "}"',
    ];
    const tree = parseShellBlocks(lines);
    const shape = (nodes: ReturnType<typeof parseShellBlocks>): unknown =>
      nodes.map((n) => (n.body ? { head: n.head.length, tail: n.tail, body: shape(n.body) } : n.head.length));
    expect(shape(tree)).toEqual([
      { head: 1, tail: ['}'], body: [{ head: 1, tail: ['  fi'], body: [2, 1, 3] }] },
      { head: 1, tail: ['done'], body: [{ head: 1, tail: ['  esac'], body: [1] }] },
      1,
    ]);
    expect(renderTree(tree, new Set())).toEqual(lines);
    // Lifting the function keeps its body in place; emptying the loop leaves `:`.
    const f = tree[0]!;
    const loop = tree[1]!;
    const lifted = renderTree(tree, new Set([loop.body![0]!.id]), new Set([f.id]));
    expect(lifted.slice(0, 1)).toEqual(['  if [ "$1" = "#" ]; then # a comment']);
    expect(lifted).toContain('  :');
    expect(lifted).not.toContain('f() {');
  });

  it('bash -n: valid syntax passes, an unclosed block does not', async () => {
    const compiles = makeShellCompileCheck();
    expect(await compiles('if true; then\n  echo ok\nfi\n')).toBe(true);
    expect(await compiles('for x in 1; do\n  echo $x\n')).toBe(false);
    expect(await makeShellCompileCheck(join(dir, 'no-bash'))('if then\n')).toBe(true);
  });
});

describe('parsePythonBlocks', () => {
  it('keeps headers with their bodies, clauses apart, multi-line statements whole', () => {
    const lines = [
      '@decorator',
      'def f(a,',
      '      b):',
      '    """doc',
      '    # not a comment',
      '    """',
      '    return a',
      'if x:',
      '    y = (1,',
      '2)',
      'else:',
      '    z = 3',
    ];
    const tree = parsePythonBlocks(lines);
    expect(tree.map((n) => [n.head.length, n.body?.length ?? null, n.clause])).toEqual([
      [3, 2, false],
      [1, 1, false],
      [1, 1, true],
    ]);
    expect(renderTree(tree, new Set())).toEqual(lines);
    // Emptying a body leaves `pass` in its place.
    const ifBody = tree[1]?.body?.[0]?.id as number;
    expect(renderTree(tree, new Set([ifBody]))).toEqual([...lines.slice(0, 8), '    pass', 'else:', '    z = 3']);
  });
});
