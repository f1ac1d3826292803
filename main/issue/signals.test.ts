import { describe, expect, it } from 'vitest';
import {
  extractConstraints,
  extractSignalDetails,
  extractSignals,
  extractTargetPaths,
  hasTestableSignal,
  looksLikeMessage,
  pathFromToken,
} from './signals';

const PY_BODY = [
  'Calling `np.convolve` with an empty kernel fails.',
  '',
  '```python',
  'import numpy as np',
  'np.convolve([1, 2, 3], [])',
  '```',
  '',
  '```',
  'Traceback (most recent call last):',
  '  File "<stdin>", line 2, in <module>',
  '  File "/usr/lib/python3.12/site-packages/numpy/_core/numeric.py", line 878, in convolve',
  "    raise ValueError('v cannot be empty')",
  'ValueError: kernel cannot be empty',
  '```',
  '',
  '- OS: Ubuntu 22.04',
  '- numpy 2.1.0, Python 3.12',
  'It only happens on Linux. See numpy/_core/numeric.py:878.',
].join('\n');

const NODE_BODY = [
  'Running `node cli.js` crashes:',
  '```',
  '/home/me/proj/lib/config.js:12',
  '  return cfg.port.toString();',
  '                  ^',
  '',
  "TypeError: Cannot read properties of undefined (reading 'toString')",
  '    at loadConfig (/home/me/proj/lib/config.js:12:19)',
  '    at Object.<anonymous> (lib/cli.js:3:1)',
  '',
  'Node.js v20.11.0',
  '```',
].join('\n');

describe('extractSignals', () => {
  it('reads a Python traceback: type, final-line message, frames', () => {
    const d = extractSignalDetails('np.convolve raises ValueError for an empty kernel', PY_BODY);
    expect(d.signals.exception_types).toEqual(['ValueError']);
    expect(d.signals.messages[0]).toBe('kernel cannot be empty');
    expect(d.signals.messages).toContain('v cannot be empty');
    expect(d.failure_lines).toEqual(['ValueError: kernel cannot be empty']);
    expect(d.signals.exit_codes).toEqual([]);
  });

  it('reads a Node.js uncaught error and the exit code', () => {
    const s = extractSignals('Crash when config is missing', `${NODE_BODY}\nThe process exited with code 1.`);
    expect(s.exception_types).toEqual(['TypeError']);
    expect(s.messages).toEqual(["Cannot read properties of undefined (reading 'toString')"]);
    expect(s.exit_codes).toEqual([1]);
  });

  it('reads assertion failures: pytest lines, AssertionError, expected/got prose', () => {
    const body = [
      '>       assert median([1, 2, 3, 4]) == 2.5',
      'E       assert 2 == 2.5',
      'tests/test_median.py:7: AssertionError',
      'AssertionError: Arrays are not equal',
      'I expected 2.5 but got 2.',
      'Expected: 3',
      'Received: 4',
    ].join('\n');
    const s = extractSignals('median is wrong', body);
    expect(s.assertion_failures).toEqual([
      'assert median([1, 2, 3, 4]) == 2.5',
      'assert 2 == 2.5',
      'AssertionError: Arrays are not equal',
      'expected 2.5 but got 2',
      'Expected: 3 Received: 4',
    ]);
    expect(s.exception_types).toEqual(['AssertionError']);
  });

  it('reads exit codes and signals, not HTTP statuses or exit 0', () => {
    const body = [
      'Running `mytool --check` returns exit code 2.',
      "subprocess.CalledProcessError: Command 'x' returned non-zero exit status 3.",
      'Then: Segmentation fault (core dumped)',
      'returncode = -6',
      'The HTTP response status 200 is fine, and exit code 0 is fine too.',
      'status 404 exit code 300',
    ].join('\n');
    expect(extractSignals('tool fails', body).exit_codes).toEqual([2, 3, 139, 134]);
  });

  it('finds nothing in a feature request', () => {
    const s = extractSignals(
      'Feature: add dark mode',
      'It would be nice to have a dark mode.\nIt doesn\'t work in "high contrast" mode either.\nException handling is fine.',
    );
    expect(s).toEqual({ exception_types: [], messages: [], assertion_failures: [], exit_codes: [] });
    expect(hasTestableSignal(s)).toBe(false);
  });

  it('puts the final exception of a chained traceback first', () => {
    const body = [
      'Traceback (most recent call last):',
      "KeyError: 'k'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      'RuntimeError: lookup failed',
    ].join('\n');
    expect(extractSignalDetails('x', body).failure_lines).toEqual(['RuntimeError: lookup failed', "KeyError: 'k'"]);
  });

  it('reads failures inline in prose and in backticks, with qualified names and Node codes', () => {
    const d = extractSignalDetails(
      'np.convolve raises ValueError: kernel cannot be empty.',
      'I get `TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string` when calling it.\n' +
        'numpy.exceptions.AxisError: axis 2 is out of bounds for array of dimension 1',
    );
    expect(d.failure_lines).toEqual([
      'ValueError: kernel cannot be empty',
      'TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string',
      'numpy.exceptions.AxisError: axis 2 is out of bounds for array of dimension 1',
    ]);
    expect(d.signals.exception_types).toEqual(['ValueError', 'TypeError', 'AxisError']);
  });

  it('takes quoted messages only near error words, and not code', () => {
    const s = extractSignals(
      't',
      'It fails with "could not open the file" when `open_file(path)` runs.\nThe docs say "this is fine here" and nothing else.',
    );
    expect(s.messages).toEqual(['could not open the file']);
    expect(looksLikeMessage('np.convolve([1], [])')).toBe(false);
    expect(looksLikeMessage('python repro.py')).toBe(false);
  });

  it('deduplicates and caps lists', () => {
    const body = Array.from({ length: 100 }, (_, i) => `Custom${i}Error: message number ${i}\nValueError: same`).join('\n');
    const s = extractSignals('t', body);
    expect(s.exception_types).toHaveLength(20);
    expect(s.messages).toHaveLength(20);
    expect(new Set(s.messages).size).toBe(20);
  });

  it('gets through a 1 MB hostile body', () => {
    const hostile = [
      'a'.repeat(200_000),
      'expected '.repeat(20_000),
      '"\'`'.repeat(50_000),
      'exit \t'.repeat(20_000),
      'a/'.repeat(100_000),
      'ValueError: '.repeat(20_000),
      'E '.repeat(100_000),
    ].join('\n');
    expect(hostile.length).toBeGreaterThan(1_000_000);
    const d = extractSignalDetails(hostile.slice(0, 10_000), hostile);
    expect(d.signals.messages.every((m) => m.length <= 300)).toBe(true);
    expect(extractConstraints(hostile).length).toBeLessThanOrEqual(20);
    expect(extractTargetPaths(hostile).length).toBeLessThanOrEqual(50);
  });
});

describe('extractConstraints', () => {
  it('keeps version, OS and "only on" lines, not traceback frames or code', () => {
    expect(extractConstraints(PY_BODY)).toEqual([
      'OS: Ubuntu 22.04',
      'numpy 2.1.0, Python 3.12',
      'It only happens on Linux. See numpy/_core/numeric.py:878.',
    ]);
    expect(extractConstraints('```\nx = np.array([1.5]) # numpy\nnumpy==2.1.0\n```')).toEqual(['numpy==2.1.0']);
  });
});

describe('extractTargetPaths', () => {
  it('finds repository paths, dropping line numbers and unmappable absolute paths', () => {
    expect(extractTargetPaths(PY_BODY)).toEqual(['numpy/_core/numeric.py']);
    expect(extractTargetPaths(NODE_BODY)).toEqual(['cli.js', 'lib/cli.js']);
    expect(
      extractTargetPaths(
        'see src/foo.ts, ./lib/a.py:12:3, tests/test_x.py::test_y and https://github.com/o/r/blob/main/pkg/mod.rs#L10',
      ),
    ).toEqual(['src/foo.ts', 'lib/a.py', 'tests/test_x.py', 'pkg/mod.rs']);
  });

  it('ignores versions, module names, products, traversal and URLs', () => {
    for (const t of [
      '3.12',
      'np.convolve',
      'Node.js',
      'e.g.',
      '../etc/passwd.txt',
      'a/../b.py',
      'https://example.com/x.py',
      'C:\\x\\y.py',
    ]) {
      expect(pathFromToken(t)).toBeNull();
    }
  });
});
