// `mminions eval`: usage errors, exit codes, and both subcommands end to end in offline mode.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../cli/args';
import type { EvalSummary } from './artifacts';
import { run, type EvalIo } from './cli';
import { EvalSpecError } from './spec';
import { extraWorktrees, makeEvalSandbox, readJsonFile, STATSMINI_SPEC_PATH, type EvalSandbox } from '../../testkit/evalSupport';

let sb: EvalSandbox;
let configFile: string;

beforeAll(async () => {
  sb = await makeEvalSandbox('mm-eval-cli-');
  configFile = join(sb.root, 'mminions.toml');
  await writeFile(configFile, `[manager]\nworktree_root = ${JSON.stringify(sb.worktreeRoot)}\n`);
});
afterAll(async () => {
  await sb?.cleanup();
});

function capture(): EvalIo & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

const bugfix = (...more: string[]) => [
  'bugfix',
  '--spec',
  STATSMINI_SPEC_PATH,
  '--repo-path',
  sb.repo.path,
  '--runs-root',
  sb.runsRoot,
  '--config',
  configFile,
  ...more,
];

describe('mminions eval: usage', () => {
  it.each([
    [[], /which eval\? numpy-convolve or bugfix/],
    [['frobnicate'], /unknown eval "frobnicate"/],
    [['bugfix', '--mode', 'offline'], /--spec is required/],
    [
      ['bugfix', '--spec', 'x.json', '--repo-path', '/tmp', '--runs-root', '/tmp', '--mode', 'sometimes'],
      /--mode must be offline or live/,
    ],
    [['numpy-convolve', '--mode', 'offline', '--runs-root', '/tmp'], /--numpy-repo-path is required/],
    [['numpy-convolve', '--mode', 'offline', '--repo-path', '/tmp'], /--repo-path does not apply to `eval numpy-convolve`/],
    [['bugfix', '--mode', 'offline', '--wat'], /Unknown option '--wat'/],
    [
      ['bugfix', '--spec', 'x.json', '--repo-path', '/tmp', '--runs-root', '/tmp', '--mode', 'live', '--max-runtime-sec', 'soon'],
      /--max-runtime-sec expects an integer/,
    ],
  ])('%j is a usage error (exit 64)', async (argv, message) => {
    await expect(run(argv, capture())).rejects.toThrow(UsageError);
    await expect(run(argv, capture())).rejects.toThrow(message);
  });

  it('prints the usage for --help', async () => {
    const io = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.text()).toContain('mminions eval numpy-convolve --mode offline|live --numpy-repo-path DIR --runs-root DIR');
    expect(await run(['bugfix', '--help'], capture())).toBe(0);
  });

  it('refuses a spec file that does not validate', async () => {
    const bad = join(sb.root, 'bad-spec.json');
    await writeFile(bad, JSON.stringify({ name: 'x' }));
    await expect(
      run(['bugfix', '--spec', bad, '--repo-path', sb.repo.path, '--runs-root', sb.runsRoot, '--mode', 'offline'], capture()),
    ).rejects.toThrow(EvalSpecError);
  });
});

describe('mminions eval: runs', () => {
  it('bugfix --mode offline on the sample: exit 0, verdict and artifacts printed', async () => {
    const io = capture();
    expect(await run(bugfix('--mode', 'offline'), io)).toBe(0);
    const id = /eval (eval-statsmini-convolve-\d{14}(?:-\d+)?): PASSED/.exec(io.text())?.[1];
    expect(id, io.text()).toBeTruthy();
    const summary = await readJsonFile<EvalSummary>(join(sb.runsRoot, id as string, 'summary.json'));
    expect(summary.status).toBe('passed');
    expect(io.text()).toContain(`artifacts: ${join(sb.runsRoot, id as string)}`);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });

  it('numpy-convolve --mode offline on a checkout without the NumPy commits: exit 1, the reason printed', async () => {
    const io = capture();
    expect(
      await run(
        [
          'numpy-convolve',
          '--mode',
          'offline',
          '--numpy-repo-path',
          sb.repo.path,
          '--runs-root',
          sb.runsRoot,
          '--config',
          configFile,
        ],
        io,
      ),
    ).toBe(1);
    expect(io.text()).toMatch(
      /eval eval-numpy-convolve-\d{14}(-\d+)?: FAILED — error in inputs: unknown commit "9f0519e83247b8a1b46c12fb583d4d575d992bd7"/,
    );
  });
});
