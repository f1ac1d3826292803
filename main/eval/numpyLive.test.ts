// Opt-in: the NumPy convolve eval in live mode (real NumPy builds, real codex with a login). Skipped, with the reason printed, unless
// MMINIONS_RUN_LIVE_EVAL=1 and MMINIONS_NUMPY_REPO_PATH names a NumPy checkout holding both commits, a C/C++ toolchain is there and codex can run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CODEX_BIN } from '../../testkit/codexHome';
import { loadConfig, type Config } from '../config/config';
import { findExecutable } from '../process/findExecutable';
import { runPreflight } from '../preflight/preflight';
import { numpyConvolveSpecPath } from './cli';
import { runEval } from './harness';
import { loadEvalSpec } from './spec';
import { extraWorktrees } from '../../testkit/evalSupport';

const env = process.env;

/** The codex settings: MMINIONS_CONFIG or ./mminions.toml; the project's pinned codex when `codex` is not on PATH. */
function liveConfig(worktreeRoot: string): Config {
  const config = loadConfig({ overrides: { worktree_root: worktreeRoot } });
  return findExecutable(config.codex.command) ? config : { ...config, codex: { ...config.codex, command: CODEX_BIN } };
}

/** Why the live NumPy eval cannot run here, or null. */
async function missingPrerequisite(): Promise<string | null> {
  if (env.MMINIONS_RUN_LIVE_EVAL !== '1')
    return 'set MMINIONS_RUN_LIVE_EVAL=1 to run the live NumPy eval (it builds NumPy three times and calls codex)';
  const repo = env.MMINIONS_NUMPY_REPO_PATH;
  if (!repo) return 'set MMINIONS_NUMPY_REPO_PATH to the absolute path of a NumPy git checkout';
  const spec = await loadEvalSpec(numpyConvolveSpecPath());
  for (const commit of [spec.bug_commit, spec.fix_commit]) {
    const r = await execa('git', ['-C', repo, 'cat-file', '-e', `${commit}^{commit}`], { reject: false, timeout: 15_000 });
    if (r.exitCode !== 0)
      return `${repo} does not hold commit ${commit} (git fetch it, or point MMINIONS_NUMPY_REPO_PATH at a full NumPy clone)`;
  }
  for (const tool of [
    ['cc', 'gcc', 'clang'],
    ['c++', 'g++', 'clang++'],
    ['python3', 'uv'],
  ]) {
    if (!tool.some((t) => findExecutable(t)))
      return `no ${tool.join(' / ')} on PATH: the NumPy build needs a C/C++ toolchain and Python`;
  }
  const pre = await runPreflight({ config: liveConfig(tmpdir()), repoPath: repo, timeoutMs: 15_000 });
  for (const name of ['codex', 'codex_auth']) {
    const c = pre.checks.find((x) => x.name === name);
    if (c && !c.ok)
      return `codex cannot run: ${name}: ${c.details} (run \`codex login\`, or configure another provider in MMINIONS_CONFIG)`;
  }
  return null;
}

describe('numpy-convolve eval, live (opt-in)', () => {
  it('codex fixes numpy/numpy#30272: before bug_present, reference and after fixed', { timeout: 2_100_000 }, async (ctx) => {
    const reason = await missingPrerequisite();
    if (reason) {
      console.warn(`[numpy live eval] skipped: ${reason}`);
      ctx.skip(reason);
    }
    const root = await mkdtemp(join(tmpdir(), 'mm-numpy-live-'));
    const keep = env.MMINIONS_LIVE_EVAL_RUNS_ROOT; // keep the artifacts of a long run there
    try {
      const spec = await loadEvalSpec(numpyConvolveSpecPath());
      const summary = await runEval({
        spec,
        specPath: numpyConvolveSpecPath(),
        mode: 'live',
        repoPath: env.MMINIONS_NUMPY_REPO_PATH as string,
        runsRoot: keep || join(root, 'runs'),
        config: liveConfig(join(root, 'worktrees')),
        pythonVersion: env.MMINIONS_LIVE_EVAL_PYTHON || '3.12',
        maxRuntimeSec: Number(env.MMINIONS_LIVE_EVAL_MAX_RUNTIME_SEC) || 1800,
        log: (line) => console.log(line),
      });
      console.log(JSON.stringify(summary, null, 2));
      expect(summary.worktrees_removed).toBe(true);
      expect(await extraWorktrees(env.MMINIONS_NUMPY_REPO_PATH as string)).toEqual([]);
      expect(summary).toMatchObject({
        status: 'passed',
        before_classification: 'bug_present',
        reference_classification: 'fixed',
        after_classification: 'fixed',
        codex_invoked: true,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
