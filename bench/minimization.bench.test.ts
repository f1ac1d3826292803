// Benchmark (issue 8, part 3): our reducer (minimizeScript: strip, Python blocks, lines, cache, syntax
// pre-check, parallel probes) against classic line ddmin (sequential, no cache, no pre-check) on the
// same reduction cases, with the same real oracle (makeReproducesCheck: run the script, match the
// signature through the package frame). Prints a markdown table and writes bench/results/minimization.json;
// asserts nothing about time. Smoke mode (default) runs 4 cases; MMINIONS_BENCH_FULL=1 runs all 12.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueSignals } from '../common/artifacts';
import { compileCheckFor, countLines, minimizeScript } from '../main/manager/minimize/minimize';
import { makeReproducesCheck } from '../main/manager/repro/validate';
import { FULL, MODE, markdownTable, writeResults } from './benchUtil';
import { classicDdmin } from './classicDdmin';
import { PACKAGE_FILES, REQUIRED_FRAME, SIGNATURE, SMOKE_CASES, allCases, type ReductionCase } from './minimizationCases';
import type { Sandbox } from '../main/process/sandbox';
import { testSandbox } from '../testkit/sandbox';

const SIGNALS: IssueSignals = {
  exception_types: ['ValueError'],
  messages: ['kernel cannot be empty'],
  assertion_failures: [],
  exit_codes: [],
};

let dir: string;
let repo: string;
let sandbox: Sandbox;
let python: string;
beforeAll(async () => {
  sandbox = await testSandbox();
  python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 20_000 })).stdout.trim();
  dir = await mkdtemp(join(tmpdir(), 'mminions-bench-min-'));
  repo = join(dir, 'repo');
  for (const [rel, content] of Object.entries(PACKAGE_FILES)) {
    await mkdir(dirname(join(repo, rel)), { recursive: true });
    await writeFile(join(repo, rel), content);
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function oracle(c: ReductionCase) {
  return makeReproducesCheck({
    answer: {
      candidate_id: c.name,
      oracle_command: c.ext === 'py' ? '{python} {repro_file}' : 'bash {repro_file}',
      claimed_failure_signature: SIGNATURE,
      file_extension: c.ext,
    },
    worktree: repo,
    python,
    signals: SIGNALS,
    sandbox,
    timeoutMs: 20_000,
    requiredFrames: [REQUIRED_FRAME],
  });
}

/**
 * Independent of the oracle: does the script really raise the issue's error in the package? The
 * exception line must follow a traceback frame of pkgmini/core.py in convolve. A reduction that the
 * oracle accepted but that fails this is a false reduction (it "reproduces" only by quoting the text).
 */
async function reallyReproduces(c: ReductionCase, script: string): Promise<boolean> {
  const file = join(dir, `check-${c.name}.${c.ext}`);
  await writeFile(file, script);
  const r = await execa(c.ext === 'py' ? python : 'bash', [file], {
    cwd: repo,
    env: { ...process.env, PYTHONPATH: repo },
    reject: false,
    all: true,
    timeout: 20_000,
    stdin: 'ignore',
  });
  const lines = String(r.all ?? '')
    .split('\n')
    .map((l) => l.trimEnd());
  const frame = lines.findIndex((l) => /pkgmini\/core\.py", line \d+, in convolve$/.test(l));
  return frame >= 0 && lines.slice(frame).some((l) => l.trim() === SIGNATURE);
}

const join1 = (lines: string[]) => `${lines.join('\n')}\n`;

interface CaseResult {
  name: string;
  ext: string;
  linesBefore: number;
  knownMinimum: number;
  minimumVerified: boolean;
  ours: {
    linesAfter: number;
    reachedMinimum: boolean;
    oracleRuns: number;
    cacheHits: number;
    compileRejects: number;
    wallMs: number;
    falseReduction: boolean;
    fellBack: boolean;
  };
  classic: { linesAfter: number; reachedMinimum: boolean; oracleRuns: number; wallMs: number; falseReduction: boolean };
}

const cases = allCases().filter((c) => FULL || SMOKE_CASES.includes(c.name));
const results: CaseResult[] = [];

describe(`minimization benchmark (${MODE}: ${cases.length} cases)`, () => {
  for (const c of cases) {
    it(`${c.name}: ours vs classic line ddmin`, async () => {
      const check = oracle(c);
      // The known result really is 1-minimal for this oracle: it reproduces and loses that without any one line.
      const minimumVerified =
        (await check(join1(c.minimal))) &&
        (await reallyReproduces(c, join1(c.minimal))) &&
        (await Promise.all(c.minimal.map((_, i) => check(join1(c.minimal.filter((__, j) => j !== i)))))).every((ok) => !ok);
      expect(await check(c.script), `${c.name}: the original reproduces`).toBe(true);

      let t = performance.now();
      const ours = await minimizeScript(c.script, c.ext, check, { compiles: compileCheckFor(c.ext, python), parallelism: 2 });
      const oursMs = performance.now() - t;
      t = performance.now();
      const classic = await classicDdmin(c.script, check);
      const classicMs = performance.now() - t;

      const r: CaseResult = {
        name: c.name,
        ext: c.ext,
        linesBefore: countLines(c.script),
        knownMinimum: c.minimal.length,
        minimumVerified,
        ours: {
          linesAfter: ours.linesAfter,
          reachedMinimum: ours.reproduced && ours.linesAfter <= c.minimal.length,
          oracleRuns: ours.oracleRuns,
          cacheHits: ours.cacheHits,
          compileRejects: ours.compileRejects,
          wallMs: Math.round(oursMs),
          falseReduction: !(await reallyReproduces(c, ours.script)),
          fellBack: ours.fellBack,
        },
        classic: {
          linesAfter: classic.linesAfter,
          reachedMinimum: classic.linesAfter <= c.minimal.length,
          oracleRuns: classic.oracleRuns,
          wallMs: Math.round(classicMs),
          falseReduction: !(await reallyReproduces(c, classic.script)),
        },
      };
      results.push(r);
      if (!r.ours.reachedMinimum) console.log(`[bench] ${c.name}: ours ended at\n${ours.script}`);
      expect(minimumVerified, `${c.name}: the known minimum is a 1-minimal reproduction`).toBe(true);
      expect(ours.reproduced).toBe(true);
    }, 600_000);
  }

  afterAll(async () => {
    if (results.length === 0) return;
    const sum = (f: (r: CaseResult) => number) => results.reduce((a, r) => a + f(r), 0);
    const suite = {
      cases: results.length,
      oursReachedMinimumOnEvery: results.every((r) => r.ours.reachedMinimum),
      classicReachedMinimumOnEvery: results.every((r) => r.classic.reachedMinimum),
      oursOracleRuns: sum((r) => r.ours.oracleRuns),
      classicOracleRuns: sum((r) => r.classic.oracleRuns),
      oracleRunRatio: Number((sum((r) => r.ours.oracleRuns) / sum((r) => r.classic.oracleRuns)).toFixed(3)),
      oursFalseReductions: results.filter((r) => r.ours.falseReduction).length,
      classicFalseReductions: results.filter((r) => r.classic.falseReduction).length,
      oursWallMs: sum((r) => r.ours.wallMs),
      classicWallMs: sum((r) => r.classic.wallMs),
      target: { oracleRunRatioAtMost: 1 / 3, knownMinimumOnEvery: true, falseReductions: 0 },
    };
    const file = await writeResults('minimization', { suite, cases: results });
    const table = markdownTable(
      [
        'case',
        'lines',
        'known min',
        'ours lines',
        'classic lines',
        'ours runs',
        'cache hits',
        'classic runs',
        'ratio',
        'ours ms',
        'classic ms',
        'false red. (ours/classic)',
      ],
      results.map((r) => [
        r.name,
        r.linesBefore,
        r.knownMinimum,
        `${r.ours.linesAfter}${r.ours.reachedMinimum ? '' : ' ✗'}`,
        `${r.classic.linesAfter}${r.classic.reachedMinimum ? '' : ' ✗'}`,
        r.ours.oracleRuns,
        r.ours.cacheHits,
        r.classic.oracleRuns,
        (r.ours.oracleRuns / r.classic.oracleRuns).toFixed(2),
        r.ours.wallMs,
        r.classic.wallMs,
        `${r.ours.falseReduction ? 1 : 0}/${r.classic.falseReduction ? 1 : 0}`,
      ]),
    );
    console.log(
      `\nMinimization (${MODE}, ${results.length} cases) → ${file}\n\n${table}\n\n` +
        `known minimum on every case: ours ${suite.oursReachedMinimumOnEvery ? 'yes' : 'NO'}, classic ${suite.classicReachedMinimumOnEvery ? 'yes' : 'NO'}; ` +
        `oracle runs ours/classic ${suite.oursOracleRuns}/${suite.classicOracleRuns} = ${suite.oracleRunRatio} (target ≤ 0.333); ` +
        `false reductions ours ${suite.oursFalseReductions}, classic ${suite.classicFalseReductions}\n`,
    );
  });
});
