// The fix phase end to end: real codex (its workspace-write sandbox) making real edits through the
// scripted model's exec steps, real worktrees, real sandboxed verification runs of every patch.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FixRecord, FixSummaryFile } from '../../../common/artifacts';
import { harnessPerTest, type RunArtifacts, type RunHarness, setAgent, statsminiScenario } from '../../../testkit/runHarness';
import { MOVE_CHECKS_BEFORE_SWAP } from '../../../testkit/fixes';
import { readJson } from '../../runs/runStore';
import type { Config } from '../../config/config';
import { runManager } from '../pipeline';

const harness = harnessPerTest();

async function pipeline(h: RunHarness, config: Config): Promise<RunArtifacts & { lines: string[] }> {
  const lines: string[] = [];
  const res = await runManager({ request: h.request({ config }), out: (l) => lines.push(l) });
  return { ...(await h.readRun(res.runId)), lines };
}

/** A wrong fix: the swap still happens for an empty signal. */
const SWAP_TIES = "sed -i 's/if len(kernel) > len(signal):/if len(kernel) >= len(signal):/' statsmini/core.py";
/** A fix that makes the repro pass by renaming the kernel's error, breaking the repository's test of it. */
const RENAME_KERNEL_ERROR = `sed -i 's/raise ValueError("kernel cannot be empty")/raise ValueError("signal cannot be empty")/' statsmini/core.py`;

/** The check a maintainer would add: convolve([], [1, 2]) blames the signal. */
const GOOD_CHECK =
  'import statsmini\ntry:\n    statsmini.convolve([], [1, 2])\nexcept ValueError as e:\n    assert str(e) == "signal cannot be empty", e\nelse:\n    raise AssertionError("no error")\n';

function fixer(worker: string, exec: string[], o: { fixId: string; check?: string; delayMs?: number }) {
  return {
    role: 'FIXER',
    worker,
    delay_ms: o.delayMs ?? 100,
    usage: { input_tokens: 900, cached_input_tokens: 0, output_tokens: 300 },
    steps: [
      ...exec.map((e) => ({ exec: e })),
      {
        message: JSON.stringify({
          fix_id: o.fixId,
          hypothesis_id: 'h1',
          summary: `fix ${o.fixId}`,
          files_changed: ['statsmini/core.py'],
          check: { script: o.check ?? GOOD_CHECK, file_extension: 'py', command: '{python} {check_file}' },
        }),
      },
    ],
  };
}

function triager(worker: string, h: { mechanism: string; line: number; snippet: string; confidence: number }) {
  return {
    role: 'TRIAGER',
    worker,
    delay_ms: 100,
    steps: [
      {
        message: JSON.stringify({
          hypotheses: [
            {
              hypothesis_id: 'h1',
              mechanism: h.mechanism,
              evidence: [{ file: 'statsmini/core.py', line: h.line, snippet: h.snippet }],
              confidence: h.confidence,
              disconfirming_checks: ['run the repro'],
            },
          ],
        }),
      },
    ],
  };
}

const fixRecord = async (a: RunArtifacts, id: string) => (await readJson(join(a.paths.fixDir, `${id}.json`), FixRecord))!;

describe('the fix phase', () => {
  it('a correct fix is verified fail-to-pass and confirms its hypothesis above a more confident wrong one; a wrong fix is rejected with the failure it still shows; fixers do not see each other', {
    timeout: 180_000,
  }, async () => {
    const scenario = await statsminiScenario();
    // w3 is confident and wrong (it cites the raising line, so it ranks first); w4 is unsure and right.
    setAgent(
      scenario,
      triager('w3', {
        mechanism: 'The kernel check raises with the wrong message text.',
        line: 35,
        snippet: 'raise ValueError("kernel cannot be empty")',
        confidence: 0.95,
      }),
    );
    setAgent(
      scenario,
      triager('w4', {
        mechanism: 'The swap of signal and kernel happens before the emptiness checks.',
        line: 30,
        snippet: 'if len(kernel) > len(signal):',
        confidence: 0.3,
      }),
    );
    // w5 gets the first-ranked (wrong) hypothesis and makes a wrong fix; w6 the right one. Both edit core.py at once.
    setAgent(scenario, fixer('w5', [SWAP_TIES, 'sleep 1'], { fixId: 'w5-ties', check: GOOD_CHECK }));
    setAgent(scenario, fixer('w6', ['sleep 1', MOVE_CHECKS_BEFORE_SWAP], { fixId: 'w6-checks-first' }));
    const h = await harness({ scenario });
    const a = await pipeline(h, h.makeConfig({ fix_workers: 2 }));
    const out = a.lines.join('\n');
    expect(a.decision.status, out).toBe('ok');

    // Before the fix phase, the confident wrong hypothesis ranked first.
    const firstRanking = a.events.filter((e) => e.type === 'hypothesis_ranked').slice(0, 2);
    expect(firstRanking.map((e) => `${e.worker}/${e.rank}`)).toEqual(['w3/1', 'w4/2']);

    // The fixers got the top hypotheses, one each.
    expect(out).toContain('w5: fixing w3/h1');
    expect(out).toContain('w6: fixing w4/h1');

    const summary = (await readJson(a.paths.fixSummary, FixSummaryFile))!;
    expect(summary).toMatchObject({
      status: 'verified',
      best_fix_id: 'w6-checks-first',
      verified_fix_ids: ['w6-checks-first'],
      repro_fail_to_pass: true,
    });
    expect(summary.fixes.map((f) => f.fix_id)).toEqual(['w6-checks-first', 'w5-ties']);
    expect(a.decision.fix).toMatchObject({
      status: 'verified',
      best_fix_id: 'w6-checks-first',
      best_patch_path: join(a.paths.fixDir, 'w6-checks-first.patch'),
      repro_fail_to_pass: true,
    });
    expect(a.decision.rationale).toContain('w6-checks-first');

    const good = await fixRecord(a, 'w6-checks-first');
    expect(good).toMatchObject({
      verdict: 'verified',
      hypothesis_worker: 'w4',
      files_patched: ['statsmini/core.py'],
      own_check: { fails_before: true, passes_after: true },
      other_checks: { passed: 1, total: 1 },
    });
    const minimalRow = good.grid.find((g) => g.kind === 'minimal_repro')!;
    expect(minimalRow.ok).toBe(true);
    expect(minimalRow.before?.outcome).toContain('kernel cannot be empty');
    expect(minimalRow.after.outcome).toContain('ValueError: signal cannot be empty');

    const bad = await fixRecord(a, 'w5-ties');
    expect(bad.verdict).toBe('rejected');
    expect(bad.reason).toContain('still fails');
    expect(bad.reason).toContain('ValueError: kernel cannot be empty');

    // Each patch holds only its own fixer's edit: they worked in separate worktrees at the same time.
    const goodPatch = await readFile(good.patch_path!, 'utf8');
    const badPatch = await readFile(bad.patch_path!, 'utf8');
    expect(goodPatch).not.toContain('>=');
    expect(badPatch).toContain('>= len(signal)');
    expect(badPatch).not.toMatch(/^\+\s+# Convolution is commutative/m);
    // The best patch applies to the user's checkout as the summary says, and fixes the bug there.
    await execa('git', ['-C', h.repo.path, 'apply', '--check', good.patch_path!]);

    // The confirmed hypothesis now ranks first, in hypotheses.json and in the decision.
    expect(a.hypotheses!.ranked[0]).toMatchObject({ worker_id: 'w4', hypothesis_id: 'h1', confirmed_by_fix: 'w6-checks-first' });
    expect(a.hypotheses!.ranked[0]!.confidence).toBeLessThan(a.hypotheses!.ranked[1]!.confidence);
    expect(a.hypotheses!.ranked[1]!.confirmed_by_fix).toBeUndefined();
    expect(a.decision.top_hypotheses[0]).toMatchObject({ worker_id: 'w4', confirmed_by_fix: 'w6-checks-first' });

    // Metrics, report, summary, events.
    expect(a.decision.metrics.timing_sec.fix).toBeGreaterThan(0);
    expect(a.decision.metrics.fix).toMatchObject({ fixes: 2, verified: 1 });
    const served = h.servedUsage().byAgent;
    expect(a.decision.metrics.fix!.tokens.input_tokens).toBe(served['FIXER/w5']!.input_tokens + served['FIXER/w6']!.input_tokens);
    expect(a.decision.metrics.fix!.tokens.input_tokens).toBeGreaterThan(0);
    expect(a.finalReport).toContain('## Fix');
    expect(a.finalReport).toContain('```diff');
    expect(a.finalReport).toContain('Confirmed by fix w6-checks-first');
    expect(out).toContain(`git apply ${good.patch_path}`);
    expect(
      a.events
        .filter((e) => e.type === 'fix_verified')
        .map((e) => `${e.fix_id}:${e.verdict}`)
        .sort(),
    ).toEqual(['w5-ties:rejected', 'w6-checks-first:verified']);
    expect(a.sessions.workers.filter((w) => w.role === 'FIXER').map((w) => [w.worker_id, w.phase, w.status])).toEqual([
      ['w5', 'fix', 'finished'],
      ['w6', 'fix', 'finished'],
    ]);
    // Each fixer's codex wrote its worktree and its own TMPDIR, never /tmp (see scriptedModel.test.ts (e));
    // those folders go with the run.
    const script = await readFile(join(a.paths.scriptsDir, 'fix-w5.sh'), 'utf8');
    expect(script).toContain('sandbox_workspace_write.exclude_slash_tmp=true');
    expect(script).toContain(`export TMPDIR=${join(a.paths.scratchDir, 'fix-w5')}`);
    expect(existsSync(a.paths.scratchDir)).toBe(false);
    await h.assertClean();
  });

  it("a fix that makes the repro pass but breaks the repository's own test is rejected naming the test", {
    timeout: 150_000,
  }, async () => {
    const scenario = await statsminiScenario();
    setAgent(scenario, fixer('w5', [RENAME_KERNEL_ERROR], { fixId: 'w5-rename' }));
    const h = await harness({ scenario });
    const config = h.makeConfig({ fix_workers: 1 });
    config.fix.test_command = '{python} -m unittest discover -s tests -t .';
    const a = await pipeline(h, config);
    expect(a.decision.status, a.lines.join('\n')).toBe('ok');
    const f = await fixRecord(a, 'w5-rename');
    expect(f.verdict).toBe('rejected');
    // The repros pass with it and its check is fail-to-pass: only the tests catch it.
    expect(f.grid.filter((g) => g.kind !== 'check').every((g) => g.ok)).toBe(true);
    expect(f.own_check).toEqual({ fails_before: true, passes_after: true });
    expect(f.tests?.before.failing).toBe(0);
    expect(f.tests?.new_failures).toEqual([expect.stringContaining('test_convolve_empty_kernel')]);
    expect(f.reason).toMatch(/new test failures: .*test_convolve_empty_kernel/);
    expect(a.decision.fix).toMatchObject({ status: 'unverified', best_fix_id: null, repro_fail_to_pass: false });
    expect(a.decision.rationale).toContain('fix: none verified');
    expect(a.decision.rationale).toContain('test_convolve_empty_kernel');
    expect(a.hypotheses!.ranked.some((x) => x.confirmed_by_fix)).toBe(false);
    await h.assertClean();
  });

  it('an empty patch (scratch files only), a patch of only tests and a fixer that hangs are rejected, and nothing is left behind', {
    timeout: 150_000,
  }, async () => {
    const scenario = await statsminiScenario();
    setAgent(
      scenario,
      fixer('w5', ["mkdir -p .mminions && printf 'import statsmini\\n' > .mminions/try.py && python3 .mminions/try.py"], {
        fixId: 'w5-nothing',
      }),
    );
    setAgent(
      scenario,
      fixer('w6', ["printf '\\n# more tests to come\\n' >> tests/test_core.py"], {
        fixId: 'w6-tests-only',
      }),
    );
    setAgent(scenario, { role: 'FIXER', worker: 'w7', hang: true });
    const h = await harness({ scenario });
    const a = await pipeline(h, h.makeConfig({ fix_workers: 3, timeout_sec: 60 }));
    expect(a.decision.status, a.lines.join('\n')).toBe('ok');
    expect((await fixRecord(a, 'w5-nothing')).reason).toContain('empty patch');
    expect(existsSync(join(a.paths.fixDir, 'w5-nothing.patch'))).toBe(false);
    expect((await fixRecord(a, 'w6-tests-only')).reason).toContain('only changes test files (tests/test_core.py)');
    const hung = await fixRecord(a, 'w7-fix');
    expect(hung).toMatchObject({ verdict: 'rejected', worker_id: 'w7' });
    expect(hung.reason).toContain('timed out');
    expect(a.sessions.workers.find((w) => w.worker_id === 'w7')?.status).toBe('timeout');
    expect(a.decision.fix).toMatchObject({ status: 'unverified', verified_fix_ids: [] });
    for (const id of ['w5-nothing', 'w6-tests-only', 'w7-fix']) expect(a.decision.fix!.note).toContain(id);
    await h.assertClean();
  });
});
