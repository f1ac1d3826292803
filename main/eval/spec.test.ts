// The eval spec format: the shipped specs load, bad specs are refused with the key named, fixtures classify.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numpyConvolveSpecPath } from './cli';
import { classifyOracle } from '../fix/outcome';
import { fixtureOracleRecord } from './runtime';
import { EvalSpecError, loadEvalSpec, parseEvalSpec, type EvalSpecInput } from './spec';

const STATSMINI_SPEC = join(__dirname, '..', '..', 'e2e', 'fixtures', 'evals', 'statsmini-convolve.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-evalspec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const minimal = (): EvalSpecInput => ({
  name: 'tiny',
  issue_url: 'https://example.invalid/issues/1',
  bug_commit: 'HEAD~1',
  fix_commit: 'HEAD',
  expected_files: ['src/a.py'],
  oracle: { command: 'true', bug_present: { output_matches: 'bug' }, fixed: { output_matches: 'ok' } },
  fix_prompt: 'fix it',
  before_oracle_fixture: { exit_code: 0, output: 'bug' },
});

describe('the shipped NumPy convolve spec', () => {
  it('loads, names the issue, both commits and numeric.py', async () => {
    const spec = await loadEvalSpec(numpyConvolveSpecPath());
    expect(spec.name).toBe('numpy-convolve');
    expect(spec.issue_url).toBe('https://github.com/numpy/numpy/issues/30272');
    expect(spec.bug_commit).toBe('9f0519e83247b8a1b46c12fb583d4d575d992bd7');
    expect(spec.fix_commit).toBe('3a811fb9af105372da2d07d83e77ae085d51f54e');
    expect(spec.expected_files).toEqual(['numpy/_core/numeric.py']);
    expect(spec.setup.commands.join('\n')).toContain('--no-build-isolation');
    expect(spec.oracle.script).toContain('np.convolve([], [1, 2, 3])');
  });

  it('classifies the wrong-argument message as bug_present, the right one as fixed, anything else as unclassified', async () => {
    const spec = await loadEvalSpec(numpyConvolveSpecPath());
    const fixture = fixtureOracleRecord(spec, spec.bug_commit);
    expect(fixture).toMatchObject({ source: 'fixture', classification: 'bug_present', role: 'bug' });
    expect(classifyOracle(spec.oracle, { exitCode: 0, output: 'ValueError: a cannot be empty\n' }).classification).toBe('fixed');
    expect(classifyOracle(spec.oracle, { exitCode: 0, output: 'no error raised\n' }).classification).toBe('unclassified');
    expect(
      classifyOracle(spec.oracle, { exitCode: 1, output: "ModuleNotFoundError: No module named 'numpy'\n" }).classification,
    ).toBe('unclassified');
  });
});

describe('the statsmini test spec', () => {
  it('loads with its revisions and its fixture classifies as bug_present', async () => {
    const spec = await loadEvalSpec(STATSMINI_SPEC);
    expect([spec.bug_commit, spec.fix_commit]).toEqual(['HEAD~1', 'HEAD']);
    expect(fixtureOracleRecord(spec, 'x').classification).toBe('bug_present');
  });
});

describe('parseEvalSpec', () => {
  it('fills the defaults', () => {
    const spec = parseEvalSpec(minimal());
    expect(spec.python_version).toBe('3.12');
    expect(spec.setup).toEqual({ commands: [], timeout_sec: 600 });
    expect(spec.oracle.cwd).toBe('worktree');
    expect(spec.oracle.timeout_sec).toBe(120);
    expect(spec.agent.timeout_sec).toBe(900);
    expect(spec.max_runtime_sec).toBe(1800);
  });

  it.each([
    ['an unknown key', { extra: 1 }, /unknown key extra/],
    ['a bad name', { name: 'Has Spaces' }, /name: lower-case/],
    ['no expected file', { expected_files: [] }, /expected_files: name at least one/],
    ['an escaping expected file', { expected_files: ['../etc/passwd'] }, /relative to the repository root/],
    ['an option-like revision', { bug_commit: '--output=x' }, /bug_commit/],
    [
      'a matcher with nothing to match',
      { oracle: { command: 'true', bug_present: {}, fixed: { exit_code: 0 } } },
      /needs "output_matches" and\/or "exit_code"/,
    ],
    [
      'a bad regular expression',
      { oracle: { command: 'true', bug_present: { output_matches: '(' }, fixed: { exit_code: 0 } } },
      /not a valid regular expression/,
    ],
    ['no fixture', { before_oracle_fixture: undefined }, /before_oracle_fixture/],
  ])('refuses %s', (_what, patch, message) => {
    expect(() => parseEvalSpec({ ...minimal(), ...patch }, 'x.json')).toThrow(message);
  });

  it('names the file in load errors', async () => {
    await expect(loadEvalSpec(join(dir, 'missing.json'))).rejects.toThrow(/eval spec not found: .*missing\.json/);
    await writeFile(join(dir, 'bad.json'), '{nope');
    await expect(loadEvalSpec(join(dir, 'bad.json'))).rejects.toThrow(EvalSpecError);
    await expect(loadEvalSpec(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid JSON/);
  });
});
