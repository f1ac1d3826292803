// The reduction cases of the minimization benchmark: Python and shell reproducers (20 to 300 lines)
// of one bug in a tiny package, each with its known 1-minimal result (the fewest lines that still
// raise the error through the package code).

export const SIGNATURE = 'ValueError: kernel cannot be empty';
export const REQUIRED_FRAME = 'pkgmini/core.py:convolve';

/** The package under test, written into a fresh directory (the oracle's worktree). */
export const PACKAGE_FILES: Record<string, string> = {
  'pkgmini/__init__.py': 'from .core import convolve, mean, scale\n__version__ = "0.1"\n',
  'pkgmini/core.py': [
    'def mean(xs):',
    '    return sum(xs) / len(xs)',
    '',
    '',
    'def scale(xs, k):',
    '    return [x * k for x in xs]',
    '',
    '',
    'def convolve(a, v):',
    '    if not v:',
    '        raise ValueError("kernel cannot be empty")',
    '    return [x * v[0] for x in a]',
    '',
  ].join('\n'),
  'pkgmini/cli.py': [
    'import os',
    'import sys',
    'from .core import convolve',
    '',
    'def parse(s):',
    '    return [float(x) for x in s.split(",") if x]',
    '',
    'a = parse(sys.argv[1]) if len(sys.argv) > 1 else [1.0]',
    'k = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PKGMINI_KERNEL", "1")',
    'print(convolve(a, parse(k)))',
    '',
  ].join('\n'),
};

export interface ReductionCase {
  name: string;
  ext: 'py' | 'sh';
  script: string;
  /** Lines of the known 1-minimal result. */
  minimal: string[];
  /** Has a tempting false reduction (same message, or the message quoted in a traceback, without the package frame). */
  trap: boolean;
}

/** Deterministic Python noise: helpers, a class, loops, prints, comments; never raises. */
function pyNoise(target: number, seed: number): string[] {
  const out: string[] = [];
  let i = seed;
  while (out.length < target) {
    i++;
    switch (i % 5) {
      case 0:
        out.push(
          `# helper ${i}: not needed for the bug`,
          `def helper_${i}(x):`,
          `    y = x + ${i}`,
          `    if y > 1000:`,
          `        return y - 1`,
          `    return y`,
          '',
        );
        break;
      case 1:
        out.push(`acc_${i} = 0`, `for j in range(3):`, `    acc_${i} += j * ${i}`, `print("acc", acc_${i})`);
        break;
      case 2:
        out.push(
          `class Rec${i}:`,
          `    def __init__(self):`,
          `        self.items = []`,
          '',
          `    def add(self, item):`,
          `        self.items.append(item)`,
          `        return len(self.items)`,
          '',
          `rec_${i} = Rec${i}()`,
          `rec_${i}.add(${i})`,
          '',
        );
        break;
      case 3:
        out.push(
          `data_${i} = {"k": ${i}, "v": [${i}, ${i + 1}]}`,
          `if data_${i}["k"] % 2 == 0:`,
          `    print("even", data_${i})`,
          `else:`,
          `    print("odd", data_${i})`,
        );
        break;
      default:
        out.push(`import math as m${i}`, `print("sqrt", m${i}.sqrt(${i}))`, `print("mean", pkgmini.mean([1, 2, ${i}]))`);
    }
  }
  return out;
}

/** Deterministic shell noise: variables, functions, loops, echoes; never fails. */
function shNoise(target: number, seed: number): string[] {
  const out: string[] = [];
  let i = seed;
  while (out.length < target) {
    i++;
    switch (i % 4) {
      case 0:
        out.push(`# step ${i}`, `v_${i}="value-${i}"`, `echo "v_${i}=$v_${i}"`);
        break;
      case 1:
        out.push(`log_${i}() {`, `  printf '%s\\n' "[log ${i}] $*" >&2`, '}', `log_${i} "starting ${i}"`, '');
        break;
      case 2:
        out.push(`for n in 1 2 3; do`, `  total_${i}=$(( \${total_${i}:-0} + n ))`, `done`, `echo "total ${i}: $total_${i}"`);
        break;
      default:
        out.push(`if [ -n "\${HOME:-}" ]; then`, `  echo "home is set (${i})"`, `else`, `  echo "no home (${i})"`, `fi`);
    }
  }
  return out;
}

/** `count` noise lines before and after the essential lines (in order), trimmed to `total` lines. */
function interleave(
  essential: string[],
  noise: (n: number, seed: number) => string[],
  total: number,
  header: string[] = [],
): string[] {
  const room = Math.max(0, total - essential.length - header.length);
  const pieces = essential.length + 1;
  const out = [...header];
  for (let p = 0; p < pieces; p++) {
    const n = Math.floor(room / pieces) + (p < room % pieces ? 1 : 0);
    out.push(...noise(n, p * 100)); // whole blocks: may overshoot by a few lines, never cut one

    if (p < essential.length) out.push(essential[p] as string);
  }
  return out;
}

const text = (lines: string[]) => `${lines.join('\n')}\n`;

function pyNoiseCase(name: string, total: number): ReductionCase {
  const essential = ['import pkgmini', 'pkgmini.convolve([1, 2], [])'];
  // Noise uses pkgmini, so the import goes first; noise helpers are whole blocks (never cut mid-body).
  const lines = [
    '#!/usr/bin/env python3',
    '"""Reproducer: convolve blames the wrong argument."""',
    'import pkgmini',
    ...wholePy(total - 5, 7),
    'pkgmini.convolve([1, 2], [])',
    'print("not reached")',
  ];
  return { name, ext: 'py', script: text(lines), minimal: essential, trap: false };
}

/** Python noise of about `n` lines cut at a top-level statement (so the script still compiles). */
function wholePy(n: number, seed: number): string[] {
  const lines = pyNoise(n, seed);
  let cut = Math.min(n, lines.length);
  while (cut > 0 && cut < lines.length && /^\s/.test(lines[cut] ?? '')) cut++;
  while (cut < lines.length && /^(else|elif|except|finally)\b/.test(lines[cut] ?? '')) {
    cut++;
    while (cut < lines.length && /^\s/.test(lines[cut] ?? '')) cut++;
  }
  return lines.slice(0, cut);
}

function pyDepsCase(name: string, total: number): ReductionCase {
  const n = Math.floor((total - 8) / 3);
  const lines = [
    'import pkgmini',
    ...wholePy(n, 3),
    'data = [1.0, 2.0, 3.0]',
    ...wholePy(n, 40),
    'kernel = [k for k in data if k > 10]',
    ...wholePy(n, 80),
    'print("about to convolve", len(data))',
    'pkgmini.convolve(data, kernel)',
  ];
  return {
    name,
    ext: 'py',
    script: text(lines),
    minimal: [
      'import pkgmini',
      'data = [1.0, 2.0, 3.0]',
      'kernel = [k for k in data if k > 10]',
      'pkgmini.convolve(data, kernel)',
    ],
    trap: false,
  };
}

function pyDeepCase(name: string, depthNoise: number): ReductionCase {
  const noiseAt = (indent: string, k: number) =>
    Array.from({ length: depthNoise }, (_, j) => `${indent}tmp_${k}_${j} = ${k} * ${j}`);
  const lines = [
    'import os',
    'import pkgmini',
    ...wholePy(depthNoise * 2, 11),
    'def outer():',
    ...noiseAt('    ', 1),
    '    if True:',
    ...noiseAt('        ', 2),
    '        for _ in [0]:',
    ...noiseAt('            ', 3),
    '            with open(os.devnull) as fh:',
    ...noiseAt('                ', 4),
    '                try:',
    ...noiseAt('                    ', 5),
    '                    pkgmini.convolve([1, 2], [])',
    '                finally:',
    '                    fh.flush()',
    ...wholePy(depthNoise, 60),
    'outer()',
  ];
  // Deleting lines only: the call stays indented, so it needs one header that runs its body.
  return {
    name,
    ext: 'py',
    script: text(lines),
    minimal: ['import pkgmini', 'if True:', '                    pkgmini.convolve([1, 2], [])'],
    trap: false,
  };
}

/** The same message raised by the script itself (no package frame) is reachable by deleting the real call. */
function pyLocalRaiseCase(name: string, total: number): ReductionCase {
  const lines = [
    'import pkgmini',
    'def check(values):',
    '    if not values:',
    '        raise ValueError("kernel cannot be empty")',
    '    return values',
    ...wholePy(total - 10, 21),
    'pkgmini.convolve([1, 2], [])',
    'check([])',
  ];
  return { name, ext: 'py', script: text(lines), minimal: ['import pkgmini', 'pkgmini.convolve([1, 2], [])'], trap: true };
}

/** A later line's traceback quotes the signature in source (a KeyError naming it). */
function pyQuotedCase(name: string, total: number): ReductionCase {
  const lines = [
    'import pkgmini',
    'MESSAGES = {}',
    'def explain():',
    '    return MESSAGES["ValueError: kernel cannot be empty"]  # ValueError: kernel cannot be empty',
    ...wholePy(total - 7, 33),
    'pkgmini.convolve([1, 2], [])',
    'explain()',
  ];
  return { name, ext: 'py', script: text(lines), minimal: ['import pkgmini', 'pkgmini.convolve([1, 2], [])'], trap: true };
}

function shNoiseCase(name: string, total: number): ReductionCase {
  const call = 'python3 -m pkgmini.cli 1,2 ""';
  const lines = interleave([call], shNoise, total, ['#!/usr/bin/env bash', 'set -eu']);
  return { name, ext: 'sh', script: text(lines), minimal: [call], trap: false };
}

function shEnvCase(name: string, total: number): ReductionCase {
  const lines = interleave(
    ['export PKGMINI_KERNEL=""', 'run_it() {', '  python3 -m pkgmini.cli 1,2', '}', 'run_it'],
    shNoise,
    total,
    ['#!/usr/bin/env bash', 'set -e'],
  );
  // Shell ignores indentation: the function's body line runs on its own.
  return {
    name,
    ext: 'sh',
    script: text(lines),
    minimal: ['export PKGMINI_KERNEL=""', '  python3 -m pkgmini.cli 1,2'],
    trap: false,
  };
}

/** A shell script that echoes the signature itself (exits 1) after the real failure is avoided. */
function shQuotedCase(name: string, total: number): ReductionCase {
  const lines = interleave(
    [
      'python3 -m pkgmini.cli 1,2 "" || status=$?',
      'echo "expected: ValueError: kernel cannot be empty" >&2',
      'exit "${status:-1}"',
    ],
    shNoise,
    total,
    ['#!/usr/bin/env bash'],
  );
  return {
    name,
    ext: 'sh',
    script: text(lines),
    minimal: ['python3 -m pkgmini.cli 1,2 "" || status=$?', 'exit "${status:-1}"'],
    trap: true,
  };
}

export function allCases(): ReductionCase[] {
  return [
    pyNoiseCase('py-noise-20', 20),
    pyNoiseCase('py-noise-60', 60),
    pyNoiseCase('py-noise-150', 150),
    pyNoiseCase('py-noise-300', 300),
    pyDepsCase('py-deps-90', 90),
    pyDeepCase('py-deep-40', 2),
    pyDeepCase('py-deep-120', 8),
    pyLocalRaiseCase('py-local-raise-30', 30),
    pyQuotedCase('py-quoted-50', 50),
    shNoiseCase('sh-noise-20', 20),
    shEnvCase('sh-env-80', 80),
    shQuotedCase('sh-quoted-200', 200),
  ];
}

export const SMOKE_CASES = ['py-noise-20', 'sh-noise-20'];
