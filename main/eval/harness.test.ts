// The eval harness without a model: offline mode on a real sample repository, failures that still clean up, unique folders, the time bound.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN } from '../../testkit/codexHome';
import { scriptedCodexConfig } from '../agents/offline';
import type { EvalErrorRecord, EvalSummary, OracleRecord } from './artifacts';
import { runEval } from './harness';
import {
  evalConfig,
  exists,
  extraWorktrees,
  makeEvalSandbox,
  readJsonFile,
  STATSMINI_SPEC_PATH,
  statsminiSpec,
  type EvalSandbox,
} from '../../testkit/evalSupport';

let sb: EvalSandbox;

beforeAll(async () => {
  sb = await makeEvalSandbox('mm-eval-offline-');
});
afterAll(async () => {
  await sb?.cleanup();
});

const RUN_ID = /^eval-statsmini-convolve-\d{14}(-\d+)?$/;

describe('offline mode', () => {
  it('checks inputs and wiring, creates and removes both worktrees, takes the before-oracle from the fixture', async () => {
    const spec = await statsminiSpec();
    const lines: string[] = [];
    const seenDuringRun: string[] = [];
    const summary = await runEval({
      spec,
      specPath: STATSMINI_SPEC_PATH,
      mode: 'offline',
      repoPath: sb.repo.path,
      runsRoot: sb.runsRoot,
      config: evalConfig(sb),
      log: (line) => {
        lines.push(line);
        // While the before-oracle is taken, both worktrees exist.
        if (line.includes('before-oracle')) seenDuringRun.push(...readdirSync(sb.worktreeRoot));
      },
    });
    expect(summary.status, summary.reason).toBe('passed');
    expect(summary.eval_run_id).toMatch(RUN_ID);
    expect(summary.artifacts_dir).toBe(join(sb.runsRoot, summary.eval_run_id));
    expect(summary).toMatchObject({
      mode: 'offline',
      before_classification: 'bug_present',
      after_classification: null,
      codex_invoked: false,
      skip_reason: null,
      patch_path: null,
      error: null,
      worktrees_removed: true,
    });
    expect(seenDuringRun.sort()).toEqual([`mminions-${summary.eval_run_id}-bug`, `mminions-${summary.eval_run_id}-reference`]);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
    expect(readdirSync(sb.worktreeRoot)).toEqual([]);

    const dir = summary.artifacts_dir;
    const meta = await readJsonFile(join(dir, 'metadata.json'));
    expect(meta).toMatchObject({
      name: 'statsmini-convolve',
      mode: 'offline',
      bug_commit: { requested: 'HEAD~1', resolved: sb.bugCommit },
      fix_commit: { requested: 'HEAD', resolved: sb.fixCommit },
    });
    const before = await readJsonFile<OracleRecord>(join(dir, 'before_oracle.json'));
    expect(before).toMatchObject({
      source: 'fixture',
      role: 'bug',
      commit: sb.bugCommit,
      classification: 'bug_present',
      output: 'ValueError: kernel cannot be empty\n',
    });
    expect(await readJsonFile<EvalSummary>(join(dir, 'summary.json'))).toEqual(summary);
    for (const f of [
      'after_oracle.json',
      'reference_oracle.json',
      'codex_output.txt',
      'candidate.patch',
      'candidate_patch_validation.json',
      'error.json',
    ])
      expect(exists(dir, f), f).toBe(false);
    expect(lines.join('\n')).toContain('2 worktree(s) removed');
  });

  it('gives two evals started in the same second their own folders', async () => {
    const spec = await statsminiSpec();
    const now = new Date('2026-03-04T05:06:07Z');
    const o = {
      spec,
      mode: 'offline' as const,
      repoPath: sb.repo.path,
      runsRoot: join(sb.root, 'runs-same-second'),
      config: evalConfig(sb),
      now,
    };
    const a = await runEval(o);
    const b = await runEval(o);
    expect([a.status, b.status]).toEqual(['passed', 'passed']);
    expect(a.eval_run_id).toBe('eval-statsmini-convolve-20260304050607');
    expect(b.eval_run_id).toBe('eval-statsmini-convolve-20260304050607-2');
    expect(existsSync(join(a.artifacts_dir, 'summary.json')) && existsSync(join(b.artifacts_dir, 'summary.json'))).toBe(true);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });
});

describe('failures are recorded and cleaned up', () => {
  it('a fix commit that does not exist: failed, error.json, no worktree', async () => {
    const spec = await statsminiSpec({ fix_commit: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' });
    const s = await runEval({ spec, mode: 'offline', repoPath: sb.repo.path, runsRoot: sb.runsRoot, config: evalConfig(sb) });
    expect(s.status).toBe('failed');
    expect(s.reason).toMatch(/^error in inputs: unknown commit "deadbeef/);
    const err = await readJsonFile<EvalErrorRecord>(join(s.artifacts_dir, 'error.json'));
    expect(err).toMatchObject({ phase: 'inputs', name: 'GitError', cleanup_errors: [] });
    expect(exists(s.artifacts_dir, 'summary.json') && exists(s.artifacts_dir, 'metadata.json')).toBe(true);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });

  it('a failure after the worktrees exist (an expected file at neither commit): error.json, both worktrees removed', async () => {
    const spec = await statsminiSpec({ expected_files: ['statsmini/core.py', 'statsmini/no_such_module.py'] });
    const created: string[] = [];
    const s = await runEval({
      spec,
      mode: 'offline',
      repoPath: sb.repo.path,
      runsRoot: sb.runsRoot,
      config: evalConfig(sb),
      log: (l) => l.includes('removed') && created.push(l),
    });
    expect(s.status).toBe('failed');
    const err = await readJsonFile<EvalErrorRecord>(join(s.artifacts_dir, 'error.json'));
    expect(err).toMatchObject({
      phase: 'worktrees',
      message: 'expected file(s) statsmini/no_such_module.py exist at neither the bug nor the fix commit',
    });
    expect(created).toEqual(['[eval] cleanup: 2 worktree(s) removed']);
    expect(s.worktrees_removed).toBe(true);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });

  it('a fixture that does not show the bug fails the offline check', async () => {
    const spec = await statsminiSpec({ before_oracle_fixture: { exit_code: 0, output: 'ValueError: signal cannot be empty\n' } });
    const s = await runEval({ spec, mode: 'offline', repoPath: sb.repo.path, runsRoot: sb.runsRoot, config: evalConfig(sb) });
    expect(s.status).toBe('failed');
    expect(s.before_classification).toBe('fixed');
    expect((await readJsonFile<EvalErrorRecord>(join(s.artifacts_dir, 'error.json'))).phase).toBe('oracle:bug');
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });

  it('a reference fix that touches none of the expected files is refused before any worktree', async () => {
    const spec = await statsminiSpec({ expected_files: ['README.md'] });
    const s = await runEval({ spec, mode: 'offline', repoPath: sb.repo.path, runsRoot: sb.runsRoot, config: evalConfig(sb) });
    expect(s.status).toBe('failed');
    expect(s.reason).toMatch(/touches none of expected_files \(README\.md\); it changes statsmini\/core\.py/);
  });

  it('not a repository: failed with error.json', async () => {
    const spec = await statsminiSpec();
    const s = await runEval({ spec, mode: 'offline', repoPath: sb.runsRoot, runsRoot: sb.runsRoot, config: evalConfig(sb) });
    expect(s.status).toBe('failed');
    expect(s.reason).toMatch(/not a git work tree/);
    expect(exists(s.artifacts_dir, 'error.json')).toBe(true);
  });

  // Live mode up to the bug oracle: a non-OpenAI provider needs no login and codex is never reached.
  const liveConfig = () =>
    evalConfig(sb, { command: CODEX_BIN, config: scriptedCodexConfig('http://127.0.0.1:9/v1') }, { worker_model: 'scripted' });

  it('live: an oracle command that cannot run stops the eval before codex; error.json, all three worktrees removed', async () => {
    const spec = await statsminiSpec({
      oracle: { ...(await statsminiSpec()).oracle, command: 'no-such-oracle-command --check' },
    });
    const s = await runEval({ spec, mode: 'live', repoPath: sb.repo.path, runsRoot: sb.runsRoot, config: liveConfig() });
    expect(s.status).toBe('failed');
    expect(s).toMatchObject({ before_classification: 'error', codex_invoked: false, worktrees_removed: true });
    const err = await readJsonFile<EvalErrorRecord>(join(s.artifacts_dir, 'error.json'));
    expect(err.phase).toBe('oracle:bug');
    expect(err.message).toMatch(
      /the oracle does not show the bug at the bug commit: error \(the oracle command could not run \(exit 127/,
    );
    const before = await readJsonFile<OracleRecord>(join(s.artifacts_dir, 'before_oracle.json'));
    expect(before).toMatchObject({ source: 'live', classification: 'error', exit_code: 127 });
    expect((await readJsonFile<{ ok: boolean }>(join(s.artifacts_dir, 'setup', 'bug.json'))).ok).toBe(true);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
    expect(readdirSync(sb.worktreeRoot)).toEqual([]);
  });

  it('live: --max-runtime-sec bounds a hanging setup; the eval fails in time and cleans up', async () => {
    const spec = await statsminiSpec({ setup: { commands: ['sleep 60'], timeout_sec: 600 } });
    const t0 = Date.now();
    const s = await runEval({
      spec,
      mode: 'live',
      repoPath: sb.repo.path,
      runsRoot: sb.runsRoot,
      config: liveConfig(),
      maxRuntimeSec: 3,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(s.status).toBe('failed');
    expect(s.reason).toMatch(/setup failed at the bug commit: setup command "sleep 60" timed out/);
    const meta = await readJsonFile(join(s.artifacts_dir, 'metadata.json'));
    expect(meta.max_runtime_sec).toBe(3);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
    expect(basename(s.artifacts_dir)).toMatch(RUN_ID);
  });
});
