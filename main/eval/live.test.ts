// Live mode of the generic harness: the real codex CLI, driven by the scripted model, edits a real sample repository through exec steps.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN, makeCodexHome, type CodexHome } from '../../testkit/codexHome';
import { withScriptedModel } from '../../testkit/scriptedModel';
import type { ScenarioInput } from '../agents/scenario';
import type { PatchValidation } from '../fix/outcome';
import type { EvalSummary, OracleRecord } from './artifacts';
import { FIXER_ROLE, FIXER_WORKER } from './fixPrompt';
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
import { MOVE_CHECKS_BEFORE_SWAP } from '../../testkit/fixes';

const fixer = (steps: Array<{ exec: string } | { message: string }>): ScenarioInput => ({
  agents: [
    { role: FIXER_ROLE, worker: FIXER_WORKER, usage: { input_tokens: 900, cached_input_tokens: 0, output_tokens: 120 }, steps },
  ],
});

let sb: EvalSandbox;
let home: CodexHome;

beforeAll(async () => {
  sb = await makeEvalSandbox('mm-eval-live-');
  home = await makeCodexHome();
});
afterAll(async () => {
  await home?.cleanup();
  await sb?.cleanup();
});

async function liveEval(scenario: ScenarioInput): Promise<EvalSummary> {
  const spec = await statsminiSpec();
  return withScriptedModel(scenario, (model) =>
    runEval({
      spec,
      specPath: STATSMINI_SPEC_PATH,
      mode: 'live',
      repoPath: sb.repo.path,
      runsRoot: sb.runsRoot,
      config: evalConfig(sb, { command: CODEX_BIN, home: home.dir, config: model.codexConfig }, { worker_model: 'scripted' }),
      env: home.env,
    }),
  );
}

async function expectCleanedUp(s: EvalSummary): Promise<void> {
  expect(s.worktrees_removed).toBe(true);
  expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  expect(readdirSync(sb.worktreeRoot)).toEqual([]);
  expect(exists(s.artifacts_dir, 'error.json')).toBe(false);
}

describe('live mode with the real codex and a scripted agent', () => {
  it('the agent makes the real fix: passed, before bug_present, reference and after fixed', async () => {
    const s = await liveEval(
      fixer([{ exec: MOVE_CHECKS_BEFORE_SWAP }, { message: 'Moved the emptiness checks before the swap in convolve.' }]),
    );
    expect(s.status, `${s.reason}\n${JSON.stringify(s.agent, null, 2)}`).toBe('passed');
    expect(s).toMatchObject({
      before_classification: 'bug_present',
      reference_classification: 'fixed',
      after_classification: 'fixed',
      codex_invoked: true,
      patch_accepted: true,
      skip_reason: null,
    });
    expect(s.agent).toMatchObject({
      status: 'finished',
      exit_code: 0,
      usage: { input_tokens: 1800, output_tokens: 240, turns: 1 },
    });
    const dir = s.artifacts_dir;
    expect(s.patch_path).toBe(join(dir, 'candidate.patch'));
    const patch = await readFile(join(dir, 'candidate.patch'), 'utf8');
    expect(patch).toContain('diff --git a/statsmini/core.py b/statsmini/core.py');
    expect(patch).toMatch(/^\+ {4}if len\(kernel\) > len\(signal\):$/m);
    expect(await readFile(join(dir, 'codex_output.txt'), 'utf8')).toBe('Moved the emptiness checks before the swap in convolve.');
    expect(await readFile(join(dir, 'prompts', 'fix.txt'), 'utf8')).toMatch(/^ROLE: FIXER\nWORKER: eval\n\nIssue: /);
    const validation = await readJsonFile<PatchValidation>(join(dir, 'candidate_patch_validation.json'));
    expect(validation).toMatchObject({
      accepted: true,
      files_touched: ['statsmini/core.py'],
      expected_files_touched: ['statsmini/core.py'],
    });
    const before = await readJsonFile<OracleRecord>(join(dir, 'before_oracle.json'));
    const after = await readJsonFile<OracleRecord>(join(dir, 'after_oracle.json'));
    const reference = await readJsonFile<OracleRecord>(join(dir, 'reference_oracle.json'));
    expect(before).toMatchObject({
      source: 'live',
      role: 'bug',
      commit: sb.bugCommit,
      output: 'ValueError: kernel cannot be empty\n',
      exit_code: 0,
    });
    expect(reference).toMatchObject({
      source: 'live',
      role: 'reference',
      commit: sb.fixCommit,
      output: 'ValueError: signal cannot be empty\n',
    });
    expect(after).toMatchObject({
      source: 'live',
      role: 'candidate',
      commit: sb.bugCommit,
      output: 'ValueError: signal cannot be empty\n',
    });
    expect(await readJsonFile<EvalSummary>(join(dir, 'summary.json'))).toEqual(s);
    // The user's checkout is untouched: the agent worked in its own worktree.
    expect(String((await execa('git', ['-C', sb.repo.path, 'status', '--porcelain'], { timeout: 15_000 })).stdout)).toBe('');
    await expectCleanedUp(s);
  });

  it('a wrong fix in the expected file: the patch is accepted, the oracle still shows the bug → failed', async () => {
    const s = await liveEval(
      fixer([
        { exec: "sed -i 's/mean of empty data/mean of an empty sequence/' statsmini/core.py" },
        { message: 'Improved an error message.' },
      ]),
    );
    expect(s.status).toBe('failed');
    expect(s).toMatchObject({
      before_classification: 'bug_present',
      after_classification: 'bug_present',
      patch_accepted: true,
      codex_invoked: true,
    });
    expect(s.reason).toMatch(/the candidate patch does not fix the bug: the oracle says bug_present/);
    expect(await readFile(join(s.artifacts_dir, 'candidate.patch'), 'utf8')).toContain(
      '+        raise ValueError("mean of an empty sequence")',
    );
    await expectCleanedUp(s);
  });

  it('a change elsewhere: the patch touches none of the expected files → rejected, failed, no after-oracle', async () => {
    const s = await liveEval(
      fixer([{ exec: "printf '\\nSee also numpy.convolve.\\n' >> README.md" }, { message: 'Documented convolve.' }]),
    );
    expect(s.status).toBe('failed');
    expect(s).toMatchObject({ patch_accepted: false, after_classification: null });
    expect(s.reason).toMatch(
      /candidate patch rejected: the patch touches none of the expected files \(statsmini\/core\.py\); it touches README\.md/,
    );
    expect(exists(s.artifacts_dir, 'after_oracle.json')).toBe(false);
    await expectCleanedUp(s);
  });

  it('an agent that only answers: empty patch → failed', async () => {
    const s = await liveEval(fixer([{ message: 'The bug is in convolve; I would move the checks.' }]));
    expect(s.status).toBe('failed');
    expect(s).toMatchObject({ patch_accepted: false, codex_invoked: true, after_classification: null });
    expect(s.reason).toBe('candidate patch rejected: empty patch: the agent changed no file');
    expect(await readFile(join(s.artifacts_dir, 'candidate.patch'), 'utf8')).toBe('');
    expect((await readJsonFile<PatchValidation>(join(s.artifacts_dir, 'candidate_patch_validation.json'))).reasons).toEqual([
      'empty patch: the agent changed no file',
    ]);
    await expectCleanedUp(s);
  });

  it('no codex login and no other provider: skipped with the reason, codex never invoked, no worktree', async () => {
    const spec = await statsminiSpec();
    const s = await runEval({
      spec,
      mode: 'live',
      repoPath: sb.repo.path,
      runsRoot: sb.runsRoot,
      config: evalConfig(sb, { command: CODEX_BIN, home: home.dir }),
      env: home.env,
    });
    expect(s.status).toBe('skipped');
    expect(s.codex_invoked).toBe(false);
    expect(s.skip_reason).toMatch(
      /no usable codex login and no non-OpenAI model provider configured \(codex login status exited 1.*Not logged in/,
    );
    expect(s.reason).toBe(`skipped: ${s.skip_reason}`);
    expect(exists(s.artifacts_dir, 'summary.json') && exists(s.artifacts_dir, 'metadata.json')).toBe(true);
    expect(exists(s.artifacts_dir, 'before_oracle.json')).toBe(false);
    expect(await extraWorktrees(sb.repo.path)).toEqual([]);
  });

  it('a model server that refuses the fixer: codex fails, the eval fails with its diagnostics, cleanup done', async () => {
    const s = await liveEval({ agents: [{ role: 'SOMEONE', worker: 'else', steps: [{ message: 'x' }] }] });
    expect(s.status).toBe('failed');
    expect(s.agent?.status).not.toBe('finished');
    expect(s.reason).toMatch(/empty patch.*codex (failed|timeout)/);
    expect(await readFile(join(s.artifacts_dir, 'codex_output.txt'), 'utf8')).toContain(
      'no scenario entry for role=FIXER worker=eval',
    );
    await expectCleanedUp(s);
  });
});
