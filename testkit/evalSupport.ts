// What the eval tests share: a sample repository with its bug and fix commits, the statsmini spec, configs, artifact reads.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { commitFix, createSampleRepo, type SampleRepo } from './sampleRepos';
import { buildConfig, type Config } from '../main/config/config';
import { loadEvalSpec, parseEvalSpec, type EvalSpec } from '../main/eval/spec';

export const STATSMINI_SPEC_PATH = join(__dirname, '..', 'e2e', 'fixtures', 'evals', 'statsmini-convolve.json');

export interface EvalSandbox {
  root: string;
  repo: SampleRepo;
  bugCommit: string;
  fixCommit: string;
  runsRoot: string;
  worktreeRoot: string;
  cleanup(): Promise<void>;
}

/** A temp folder holding the python-convolve sample (bug commit, then its fix), a runs root and a worktree root. */
export async function makeEvalSandbox(prefix = 'mm-eval-'): Promise<EvalSandbox> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const repo = await createSampleRepo('python-convolve', root);
  const fixCommit = await commitFix(repo);
  return {
    root,
    repo,
    bugCommit: repo.commit,
    fixCommit,
    runsRoot: join(root, 'runs'),
    worktreeRoot: join(root, 'worktrees'),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The statsmini spec, with fields replaced (validated again). */
export async function statsminiSpec(patch: Partial<Record<keyof EvalSpec, unknown>> = {}): Promise<EvalSpec> {
  return parseEvalSpec({ ...(await loadEvalSpec(STATSMINI_SPEC_PATH)), ...patch }, 'test spec');
}

export function evalConfig(sb: EvalSandbox, codex: Record<string, unknown> = {}, manager: Record<string, unknown> = {}): Config {
  return buildConfig(
    { manager: { worktree_root: sb.worktreeRoot, ...manager }, codex },
    { file: null, env: {}, cwd: sb.root, overrides: {} },
  );
}

/** Worktrees of the repository besides its main checkout, straight from `git worktree list`. */
export async function extraWorktrees(repoPath: string): Promise<string[]> {
  const out = String((await execa('git', ['-C', repoPath, 'worktree', 'list', '--porcelain'], { timeout: 15_000 })).stdout);
  return out
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length))
    .filter((p) => p !== repoPath);
}

export async function readJsonFile<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export const exists = (dir: string, file: string): boolean => existsSync(join(dir, file));
