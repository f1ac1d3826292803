import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueSignals } from '../../../common/artifacts';
import { createSampleRepo, type SampleRepo } from '../../../testkit/sampleRepos';
import { extractFailure, issueFailureFrame, matchFailure, normalizeMessage, repoFrameDetails, repoFrames } from './failure';

const NO_SIGNALS: IssueSignals = { exception_types: [], messages: [], assertion_failures: [], exit_codes: [] };
const CLAIM = 'ValueError: kernel cannot be empty';

let dir: string;
let sample: SampleRepo;
let python: string; // the real interpreter behind python3 (a version-manager shim costs a process per run)
beforeAll(async () => {
  python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 20_000 })).stdout.trim();
  dir = await mkdtemp(join(tmpdir(), 'mminions-failure-'));
  sample = await createSampleRepo('python-convolve', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a real program; returns its interleaved output and exit code. */
async function run(cmd: string, args: string[], cwd = dir, env: Record<string, string> = {}) {
  const res = await execa(cmd, args, { cwd, env, reject: false, all: true, timeout: 20_000, stdin: 'ignore' });
  return { output: res.all ?? '', exitCode: res.exitCode ?? null };
}

async function script(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('extractFailure + matchFailure on real Python output', () => {
  it('matches the real ValueError by its final exception line', async () => {
    const r = await run(python, ['-c', 'import statsmini; statsmini.convolve([], [1, 2])'], sample.path);
    const f = extractFailure(r.output, r.exitCode, sample.path);
    expect(f).toMatchObject({
      kind: 'python-traceback',
      exceptionType: 'ValueError',
      message: 'kernel cannot be empty',
      failureLine: CLAIM,
      syntaxError: false,
      exitCode: 1,
    });
    expect(f.frames.at(-1)).toMatchObject({ func: 'convolve' });
    const m = matchFailure(f, { claimedSignature: CLAIM, signals: NO_SIGNALS });
    expect(m).toMatchObject({ matched: true, matchedSignature: CLAIM });
    expect(m.reason).toContain('final exception line');
    // Quoted messages and type-only claims match too; another message does not.
    expect(matchFailure(f, { claimedSignature: "ValueError: 'kernel cannot be empty'", signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(f, { claimedSignature: 'ValueError', signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(f, { claimedSignature: 'ValueError: signal cannot be empty', signals: NO_SIGNALS }).matched).toBe(false);
    expect(
      matchFailure(f, { claimedSignature: 'TypeError', signals: { ...NO_SIGNALS, messages: ['kernel cannot be empty'] } }),
    ).toMatchObject({
      matched: true,
      matchedSignature: 'kernel cannot be empty',
    });
  });

  it('does not match a SyntaxError whose quoted source contains the signature', async () => {
    const p = await script('broken.py', 'import statsmini\nprint("ValueError: kernel cannot be empty"\n');
    const r = await run(python, [p]);
    const f = extractFailure(r.output, r.exitCode);
    expect(r.output).toContain(CLAIM); // the text is in the output, quoted from source
    expect(f).toMatchObject({ kind: 'python-traceback', exceptionType: 'SyntaxError', syntaxError: true });
    const m = matchFailure(f, { claimedSignature: CLAIM, signals: { ...NO_SIGNALS, messages: ['kernel cannot be empty'] } });
    expect(m.matched).toBe(false);
    expect(m.reason).toMatch(/final exception line is 'SyntaxError: .*', not the claimed 'ValueError: kernel cannot be empty'/);
  });

  it('does not match a TypeError traceback that quotes the signature in a source line', async () => {
    const p = await script(
      'quoting.py',
      'def f():\n    raise TypeError("wrong") if True else ValueError("ValueError: kernel cannot be empty")\n\nf()\n',
    );
    const r = await run(python, [p]);
    expect(r.output).toContain('kernel cannot be empty');
    const f = extractFailure(r.output, r.exitCode);
    expect(f).toMatchObject({ exceptionType: 'TypeError', message: 'wrong', failureLine: 'TypeError: wrong' });
    expect(f.frames.map((x) => x.func)).toEqual(['<module>', 'f']);
    const m = matchFailure(f, { claimedSignature: CLAIM, signals: NO_SIGNALS });
    expect(m).toMatchObject({ matched: false, matchedSignature: null });
    expect(m.reason).toBe("final exception line is 'TypeError: wrong', not the claimed 'ValueError: kernel cannot be empty'");
  });

  it('flags an IndentationError, which matches only a claim that names it', async () => {
    const p = await script('indent.py', 'if True:\nprint(1)\n');
    const r = await run(python, [p]);
    const f = extractFailure(r.output, r.exitCode);
    expect(f).toMatchObject({ exceptionType: 'IndentationError', syntaxError: true });
    expect(f.frames).toEqual([{ file: p, line: 2, func: '<module>' }]);
    expect(matchFailure(f, { claimedSignature: 'exit code 1', signals: NO_SIGNALS }).matched).toBe(false);
    expect(matchFailure(f, { claimedSignature: 'IndentationError', signals: NO_SIGNALS }).matched).toBe(true);
  });

  it('reads an exception without a message and a dotted exception type', async () => {
    const bare = await run(python, ['-c', 'class MyErr(Exception): pass\nraise MyErr()']);
    const f = extractFailure(bare.output, bare.exitCode);
    expect(f).toMatchObject({ exceptionType: 'MyErr', message: null, failureLine: 'MyErr' });
    expect(matchFailure(f, { claimedSignature: '__main__.MyErr', signals: NO_SIGNALS }).matched).toBe(true);

    await mkdir(join(dir, 'numpyish', 'exceptions'), { recursive: true });
    await writeFile(join(dir, 'numpyish', '__init__.py'), '');
    await writeFile(join(dir, 'numpyish', 'exceptions', '__init__.py'), 'class AxisError(ValueError, IndexError):\n    pass\n');
    const dotted = await run(python, [
      '-c',
      'from numpyish.exceptions import AxisError\nraise AxisError("axis 2 is out of bounds for array of dimension 1")',
    ]);
    const g = extractFailure(dotted.output, dotted.exitCode);
    expect(g).toMatchObject({
      exceptionType: 'numpyish.exceptions.AxisError',
      message: 'axis 2 is out of bounds for array of dimension 1',
    });
    expect(matchFailure(g, { claimedSignature: 'AxisError: axis 2 is out of bounds', signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(g, { claimedSignature: 'AxisError', signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(g, { claimedSignature: 'Error', signals: NO_SIGNALS }).matched).toBe(false);
  });

  it('takes the last traceback of chained exceptions', async () => {
    const r = await run(python, [
      '-c',
      'try:\n    raise ValueError("kernel cannot be empty")\nexcept ValueError as e:\n    raise RuntimeError("wrapped") from e',
    ]);
    const f = extractFailure(r.output, r.exitCode);
    expect(r.output).toContain(CLAIM);
    expect(f).toMatchObject({ exceptionType: 'RuntimeError', message: 'wrapped' });
    expect(matchFailure(f, { claimedSignature: CLAIM, signals: NO_SIGNALS }).matched).toBe(false);
  });

  it('a traceback printed by a program that exits 0 is not a reproduction', async () => {
    const r = await run(python, [
      '-c',
      'import traceback\ntry:\n    raise ValueError("kernel cannot be empty")\nexcept ValueError:\n    traceback.print_exc()',
    ]);
    const f = extractFailure(r.output, r.exitCode);
    expect(f.exceptionType).toBe('ValueError');
    const m = matchFailure(f, { claimedSignature: CLAIM, signals: NO_SIGNALS });
    expect(m.matched).toBe(false);
    expect(m.reason).toContain('exited 0');
  });
});

describe('repoFrames', () => {
  it('keeps repository frames as path:func, without the repro file, stdlib or site-packages', async () => {
    const repro = join(sample.path, '.mminions', 'repro_w1.py');
    await mkdir(join(sample.path, '.mminions'), { recursive: true });
    await writeFile(repro, 'import json, statsmini\njson.dumps(1)\nstatsmini.convolve([], [1, 2])\n');
    const r = await run(python, [repro], sample.path, { PYTHONPATH: sample.path });
    const f = extractFailure(r.output, r.exitCode, sample.path);
    expect(f.exceptionType).toBe('ValueError');
    expect(repoFrames(f, sample.path, repro)).toEqual(['statsmini/core.py:convolve']);
    // A relative frame resolves against the root; frames outside the root are dropped.
    const rel = {
      ...f,
      frames: [
        { file: 'statsmini/core.py', line: 30, func: 'convolve' },
        { file: '/usr/lib/python3.11/json/__init__.py', line: 1, func: 'dumps' },
      ],
    };
    expect(repoFrames(rel, sample.path)).toEqual(['statsmini/core.py:convolve']);
    expect(
      repoFrames({ ...f, frames: [{ file: join(sample.path, 'venv/lib/site-packages/x.py'), line: 1, func: 'g' }] }, sample.path),
    ).toEqual([]);
  });
});

describe('Node.js errors', () => {
  it('reads an uncaught TypeError with its frames (innermost last) and repository frames', async () => {
    const node = await createSampleRepo('node-textkit', dir);
    const repro = join(node.path, 'repro.js');
    await writeFile(repro, "const { pad } = require('./lib/textkit');\npad(undefined, 8);\n");
    const r = await run('node', [repro], node.path);
    const f = extractFailure(r.output, r.exitCode, node.path);
    expect(f).toMatchObject({
      kind: 'node-error',
      exceptionType: 'TypeError',
      message: 'width must be a number',
      failureLine: 'TypeError: width must be a number',
    });
    expect(f.frames.at(-1)).toMatchObject({ file: join(node.path, 'lib/textkit.js'), func: 'pad' });
    expect(repoFrames(f, node.path, repro)).toEqual(['lib/textkit.js:pad']);
    expect(matchFailure(f, { claimedSignature: 'TypeError: width must be a number', signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(f, { claimedSignature: 'TypeError: text must be a string', signals: NO_SIGNALS }).matched).toBe(false);
  });

  it('reads AssertionError [ERR_ASSERTION] and a Node.js SyntaxError', async () => {
    const a = await run('node', ['-e', "require('assert').strictEqual(1, 2, 'totals differ')"]);
    const f = extractFailure(a.output, a.exitCode);
    expect(f).toMatchObject({
      kind: 'node-error',
      exceptionType: 'AssertionError',
      message: 'totals differ',
      failureLine: 'AssertionError [ERR_ASSERTION]: totals differ',
    });
    expect(matchFailure(f, { claimedSignature: 'AssertionError: totals differ', signals: NO_SIGNALS }).matched).toBe(true);

    const p = await script('broken.js', '// TypeError: width must be a number\nfunction (\n');
    const s = await run('node', [p]);
    const g = extractFailure(s.output, s.exitCode);
    expect(g).toMatchObject({ exceptionType: 'SyntaxError', syntaxError: true });
    expect(matchFailure(g, { claimedSignature: 'TypeError: width must be a number', signals: NO_SIGNALS }).matched).toBe(false);
  });
});

describe('exit codes and test summaries', () => {
  it('judges a failure without an exception by exit code and the last lines', async () => {
    const r = await run('sh', ['-c', 'echo "fatal: index file corrupt"; exit 3']);
    const f = extractFailure(r.output, r.exitCode);
    expect(f).toMatchObject({ kind: 'exit-code', exitCode: 3, failureLine: 'fatal: index file corrupt' });
    expect(matchFailure(f, { claimedSignature: 'fatal: index file corrupt', signals: NO_SIGNALS }).matched).toBe(true);
    expect(matchFailure(f, { claimedSignature: 'segfault', signals: { ...NO_SIGNALS, exit_codes: [3] } })).toMatchObject({
      matched: true,
      matchedSignature: 'exit code 3',
    });

    const long = await run('sh', [
      '-c',
      'echo "fatal: index file corrupt"; for i in $(seq 1 30); do echo "line $i"; done; exit 3',
    ]);
    const g = extractFailure(long.output, long.exitCode);
    const m = matchFailure(g, { claimedSignature: 'fatal: index file corrupt', signals: NO_SIGNALS });
    expect(m.matched).toBe(false);
    expect(m.reason).toContain('last 20 output lines');
    expect(matchFailure(g, { claimedSignature: 'fatal: index file corrupt', signals: NO_SIGNALS, lastLines: 40 }).matched).toBe(
      true,
    );

    const ok = await run('sh', ['-c', 'echo "fatal: index file corrupt"']);
    expect(extractFailure(ok.output, ok.exitCode).kind).toBe('none');
    expect(matchFailure(extractFailure(ok.output, ok.exitCode), { claimedSignature: 'fatal', signals: NO_SIGNALS }).matched).toBe(
      false,
    );
  });

  it('exit code 1 alone does not identify an uncaught exception', async () => {
    const r = await run(python, ['-c', 'raise KeyError("x")']);
    const f = extractFailure(r.output, r.exitCode);
    expect(matchFailure(f, { claimedSignature: 'ValueError', signals: { ...NO_SIGNALS, exit_codes: [1] } }).matched).toBe(false);
  });

  it("reads pytest's report: E lines, locations with functions, the FAILED summary", () => {
    // Output of pytest 9 (`pytest -q`) on a test calling a two-level helper.
    const output = [
      'F                                                                        [100%]',
      '=================================== FAILURES ===================================',
      '____________________________________ test_a ____________________________________',
      '',
      '    def test_a():',
      '>       g(1)',
      '',
      'test_x.py:4: ',
      '_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ ',
      'pkg/mod.py:2: in g',
      '    return h(x)',
      '           ^^^^',
      '_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ ',
      '',
      'x = 1',
      '',
      '    def h(x):',
      '>       raise ValueError("kernel cannot be empty")',
      'E       ValueError: kernel cannot be empty',
      '',
      'pkg/mod.py:5: ValueError',
      '=========================== short test summary info ============================',
      'FAILED test_x.py::test_a - ValueError: kernel cannot be empty',
      '1 failed in 0.05s',
    ].join('\n');
    const f = extractFailure(output, 1, '/repo');
    expect(f).toMatchObject({
      kind: 'test-summary',
      exceptionType: 'ValueError',
      message: 'kernel cannot be empty',
      failureLine: CLAIM,
    });
    expect(f.frames.map((x) => `${x.file}:${x.func}`)).toEqual([
      '/repo/test_x.py:test_a',
      '/repo/pkg/mod.py:g',
      '/repo/pkg/mod.py:h',
    ]);
    expect(repoFrames(f, '/repo')).toEqual(['test_x.py:test_a', 'pkg/mod.py:g', 'pkg/mod.py:h']);
    expect(matchFailure(f, { claimedSignature: CLAIM, signals: NO_SIGNALS }).matched).toBe(true);

    // --tb=native: plain tracebacks inside the report, the summary line still the verdict.
    const native = [
      '____________________________________ test_a ____________________________________',
      'Traceback (most recent call last):',
      '  File "/venv/lib/python3.11/site-packages/_pytest/python.py", line 166, in pytest_pyfunc_call',
      '    result = testfunction(**testargs)',
      '  File "/repo/test_x.py", line 4, in test_a',
      '    g(1)',
      '  File "/repo/pkg/mod.py", line 5, in h',
      '    raise ValueError("kernel cannot be empty")',
      'ValueError: kernel cannot be empty',
      '=========================== short test summary info ============================',
      'FAILED test_x.py::test_a - ValueError: kernel cannot be empty',
      '1 failed in 1.78s',
    ].join('\n');
    const n = extractFailure(native, 1, '/repo');
    expect(n).toMatchObject({ kind: 'test-summary', exceptionType: 'ValueError', failureLine: CLAIM });
    expect(repoFrames(n, '/repo')).toEqual(['test_x.py:test_a', 'pkg/mod.py:h']);

    const assertion =
      'E       assert 1 == 2\n\ntest_x.py:7: AssertionError\n=== short test summary info ===\nFAILED test_x.py::test_b - assert 1 == 2\n';
    const g = extractFailure(assertion, 1);
    expect(g).toMatchObject({
      kind: 'test-summary',
      exceptionType: 'AssertionError',
      failureLine: 'AssertionError: assert 1 == 2',
    });
    expect(
      matchFailure(g, { claimedSignature: 'x', signals: { ...NO_SIGNALS, assertion_failures: ['assert 1 == 2'] } }).matched,
    ).toBe(true);
  });
});

describe('a reproduction fails through the repository', () => {
  const TYPE_ERROR: IssueSignals = { ...NO_SIGNALS, exception_types: ['TypeError'], messages: ['NoneType takes no arguments'] };

  it("refuses the issue's exception type raised by the repro's own code", async () => {
    const p = await script('own.py', 'def tabulate(rows):\n    pass\n\ntabulate([], maxcolwidth=40)\n');
    const r = await run(python, [p], sample.path);
    const f = extractFailure(r.output, r.exitCode, sample.path);
    const frames = repoFrameDetails(f, sample.path, p);
    expect(frames).toEqual([]);
    const m = matchFailure(f, { claimedSignature: 'TypeError', signals: TYPE_ERROR, repoFrames: frames });
    expect(m.matched).toBe(false);
    expect(m.reason).toBe(
      'it fails with TypeError but in its own code, not in the repository (no frame of its traceback is in the repository)',
    );
    // Without the repository's frames (a caller that only has the text), the type alone still matched.
    expect(matchFailure(f, { claimedSignature: 'TypeError', signals: TYPE_ERROR }).matched).toBe(true);
  });

  it("refuses a script that prints the issue's error line and exits 1 when the issue reports an exception", async () => {
    const p = await script('quote.py', 'import sys\nprint("TypeError: NoneType takes no arguments")\nsys.exit(1)\n');
    const r = await run(python, [p], sample.path);
    const f = extractFailure(r.output, r.exitCode, sample.path);
    expect(f.kind).toBe('exit-code');
    const m = matchFailure(f, {
      claimedSignature: 'TypeError: NoneType takes no arguments',
      signals: TYPE_ERROR,
      repoFrames: [],
    });
    expect(m.matched).toBe(false);
    expect(m.reason).toMatch(/but raises nothing: no traceback through the repository, where the issue's TypeError is raised$/);
    // An issue that reports only an exit code and a message is reproduced by them.
    const exitOnly: IssueSignals = { ...NO_SIGNALS, messages: ['NoneType takes no arguments'], exit_codes: [1] };
    expect(matchFailure(f, { claimedSignature: null, signals: exitOnly, repoFrames: [] }).matched).toBe(true);
  });

  it("accepts the repro's own failed assertion when the issue reports a wrong result, not an exception", async () => {
    const p = await script('wrong.py', 'import statsmini\nassert statsmini.mean([1, 2]) == 2, "mean of [1, 2] is not 2"\n');
    const r = await run(python, [p], sample.path, { PYTHONPATH: sample.path });
    const f = extractFailure(r.output, r.exitCode, sample.path);
    const frames = repoFrameDetails(f, sample.path, p);
    const wrongResult: IssueSignals = { ...NO_SIGNALS, assertion_failures: ['mean of [1, 2] is not 2'] };
    const m = matchFailure(f, { claimedSignature: null, signals: wrongResult, repoFrames: frames });
    expect(m.matched).toBe(true);
    expect(m.reason).toMatch(/the repro's own assertion; the issue reports no exception/);
    expect(
      matchFailure(f, {
        claimedSignature: null,
        signals: { ...wrongResult, exception_types: ['ValueError'] },
        repoFrames: frames,
      }).matched,
    ).toBe(false);
  });

  it("a match on the type alone must fail where the issue's traceback fails", async () => {
    const r = await run(python, ['-c', 'import statsmini; statsmini.convolve([], [1, 2])'], sample.path);
    const f = extractFailure(r.output, r.exitCode, sample.path);
    const frames = repoFrameDetails(f, sample.path);
    expect(frames.at(-1)).toMatchObject({ file: 'statsmini/core.py', func: 'convolve' });
    const signals: IssueSignals = { ...NO_SIGNALS, exception_types: ['ValueError'], messages: ['the median of nothing'] };
    const elsewhere = matchFailure(f, {
      claimedSignature: null,
      signals,
      repoFrames: frames,
      issueFrame: { file: 'core.py', line: 3, func: 'median' },
    });
    expect(elsewhere.matched).toBe(false);
    expect(elsewhere.reason).toMatch(
      /fails with ValueError in the repository, but at statsmini\/core.py:convolve, not in median where the issue's traceback fails/,
    );
    const there = matchFailure(f, {
      claimedSignature: null,
      signals,
      repoFrames: frames,
      issueFrame: { file: 'statsmini/core.py', line: 9, func: 'convolve' },
    });
    expect(there).toMatchObject({ matched: true, matchedSignature: 'ValueError' });
    expect(there.reason).toMatch(/by its type, raised at statsmini\/core.py:convolve$/);
    // A full message match needs no frame agreement, only the repository.
    const full = matchFailure(f, {
      claimedSignature: CLAIM,
      signals,
      repoFrames: frames,
      issueFrame: { file: 'x.py', line: 1, func: 'median' },
    });
    expect(full.matched).toBe(true);
  });

  it('reads where an issue says its failure happens: a Python traceback, a Node.js stack, a Node.js error header', () => {
    expect(
      issueFailureFrame(
        'Traceback (most recent call last):\n  File "test.py", line 7, in <module>\n    print(x)\n  File "tabulate/__init__.py", line 1516, in _wrap_text_to_colwidths\n    str(cell)\nTypeError: NoneType takes no arguments\n',
      ),
    ).toEqual({ file: 'tabulate/__init__.py', line: 1516, func: '_wrap_text_to_colwidths' });
    expect(
      issueFailureFrame(
        'TypeError: x.foo is not a function\n    at Type.resolveYamlInteger [as resolve] (/a/js-yaml/lib/type/int.js:90:25)\n    at composeNode (/a/js-yaml/lib/loader.js:1403:9)\n',
      ),
    ).toEqual({ file: '/a/js-yaml/lib/type/int.js', line: 90, func: 'resolveYamlInteger' });
    expect(
      issueFailureFrame(
        '```\njs-yaml/lib/js-yaml/type/int.js:90\n    if (!isDecCode(data.charCodeAt(index))) {\n                        ^\n\nTypeError: data.charCodeAt is not a function\n```',
      ),
    ).toEqual({ file: 'js-yaml/lib/js-yaml/type/int.js', line: 90, func: null });
    expect(issueFailureFrame('It returns 3 instead of 2.')).toBeNull();
  });

  it('compares messages across what runtimes reword between versions', () => {
    const pairs: Array<[string, string]> = [
      ["Cannot read properties of null (reading 'length')", "Cannot read property 'length' of null"],
      ["Cannot read properties of undefined (reading 'tag')", "Cannot read property 'tag' of undefined"],
      ["Cannot set properties of undefined (setting 'x')", "Cannot set property 'x' of undefined"],
      [
        "Cannot destructure property 'a' of 'undefined' as it is undefined.",
        "Cannot destructure property 'a' of 'undefined' or 'null'.",
      ],
      ["Table.render() got an unexpected keyword argument 'width'", "render() got an unexpected keyword argument 'width'"],
      ["name 'colour' is not defined. Did you mean: 'color'?", "name 'colour' is not defined"],
      ['‘NoneType’ object is not subscriptable', "'NoneType' object is not subscriptable"],
    ];
    for (const [newer, older] of pairs) expect(normalizeMessage(newer), `${newer} vs ${older}`).toBe(normalizeMessage(older));
    expect(normalizeMessage("Cannot read properties of null (reading 'length')")).not.toBe(
      normalizeMessage("Cannot read properties of null (reading 'size')"),
    );
    const failure = extractFailure(
      "/r/lib/a.js:3\n  x.length\n    ^\n\nTypeError: Cannot read properties of null (reading 'length')\n    at f (/r/lib/a.js:3:5)\n\nNode.js v20.20.2\n",
      1,
      '/r',
    );
    const m = matchFailure(failure, {
      claimedSignature: null,
      signals: { ...NO_SIGNALS, messages: ["TypeError: Cannot read property 'length' of null"] },
      repoFrames: repoFrameDetails(failure, '/r'),
    });
    expect(m).toMatchObject({ matched: true, matchedSignature: "TypeError: Cannot read property 'length' of null" });
  });
});
