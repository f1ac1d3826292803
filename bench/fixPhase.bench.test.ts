// Benchmark (issue 15): the fix phase's overhead — full runs of the bundled example with 2 workers per
// phase and fix_workers 0 vs 2 (the same scripted model, answering at once; real codex making real
// edits, tmux, worktrees, sandboxed verification). Each run's wall time, and for fix_workers 2 the fix
// phase split into
//   fixer agents: while at least one fixer ran (pid-file mtime → exit-file mtime of its invocation),
//   verification and the rest: the fix phase beside its agents — capturing patches, the base and
//     verification worktrees, every repro k times with each patch, every check before and with each
//     patch, the test command before and after.
// Prints figures (medians) and writes bench/results/fixPhase.json; asserts nothing about time.
// Smoke: one run each; full (MMINIONS_BENCH_FULL=1): 3 repeats each.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../main/agents/scenario';
import { runManager } from '../main/manager/pipeline';
import { createRunHarness, type RunArtifacts, type RunHarness, statsminiScenario } from '../testkit/runHarness';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const FIX_WORKERS = [0, 2];
const REPEATS = FULL ? 3 : 1;
const TEST_COMMAND = '{python} -m unittest discover -s tests -t .';

/** The example's scenario with every scripted delay removed. */
async function scenario(): Promise<ScenarioInput> {
  const base = await statsminiScenario();
  return JSON.parse(JSON.stringify(base, (k, v) => (k === 'delay_ms' ? undefined : v))) as ScenarioInput;
}

function phaseMs(a: RunArtifacts, name: string): number {
  const t = (type: string) => a.events.find((e) => e.type === type && e.phase === name)?.ts;
  const s = t('phase_started');
  const f = t('phase_finished');
  return s && f ? Date.parse(f) - Date.parse(s) : 0;
}

async function fixerAgentsMs(a: RunArtifacts): Promise<number> {
  const spans: Array<[number, number]> = [];
  for (const w of a.sessions.workers.filter((x) => x.phase === 'fix')) {
    spans.push([
      (await stat(join(a.paths.scriptsDir, `${w.invocation}.pid`))).mtimeMs,
      (await stat(join(a.paths.scriptsDir, `${w.invocation}.exit`))).mtimeMs,
    ]);
  }
  if (spans.length === 0) return 0;
  return Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
}

interface Sample {
  fixWorkers: number;
  repeat: number;
  wallMs: number;
  fixPhaseMs: number;
  fixerAgentsMs: number;
  verificationMs: number;
  verified: number;
}

const samples: Sample[] = [];

describe(`fix phase benchmark (${MODE}: fix_workers ${FIX_WORKERS.join(' vs ')} × ${REPEATS})`, () => {
  for (const fixWorkers of FIX_WORKERS) {
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      it(`fix_workers ${fixWorkers}, run ${repeat}`, async () => {
        let h: RunHarness | null = null;
        try {
          h = await createRunHarness({ scenario: await scenario(), manager: { workers: 2, fix_workers: fixWorkers } });
          const config = h.makeConfig();
          config.fix.test_command = TEST_COMMAND;
          const t0 = Date.now();
          const res = await runManager({ request: h.request({ config }), out: () => undefined });
          const wallMs = Date.now() - t0;
          const a = await h.readRun(res.runId);
          expect(a.decision.status, a.decision.rationale).toBe('ok');
          expect(a.decision.fix?.status).toBe(fixWorkers ? 'verified' : 'off');
          const fixPhaseMs = phaseMs(a, 'fix');
          const agents = Math.round(await fixerAgentsMs(a));
          samples.push({
            fixWorkers,
            repeat,
            wallMs,
            fixPhaseMs,
            fixerAgentsMs: agents,
            verificationMs: Math.max(0, fixPhaseMs - agents),
            verified: a.decision.fix?.verified_fix_ids.length ?? 0,
          });
          await h.assertClean();
        } finally {
          await h?.cleanup();
        }
      }, 300_000);
    }
  }

  afterAll(async () => {
    if (samples.length === 0) return;
    const med = (xs: number[]) => Math.round(percentile(xs, 50));
    const rows = FIX_WORKERS.map((n) => {
      const s = samples.filter((x) => x.fixWorkers === n);
      const m = (f: (x: Sample) => number) => med(s.map(f));
      return {
        fixWorkers: n,
        runs: s.length,
        wallMs: m((x) => x.wallMs),
        fixPhaseMs: m((x) => x.fixPhaseMs),
        fixerAgentsMs: m((x) => x.fixerAgentsMs),
        verificationMs: m((x) => x.verificationMs),
      };
    }).filter((r) => r.runs > 0);
    const off = rows.find((r) => r.fixWorkers === 0);
    const file = await writeResults('fixPhase', {
      summary: { rows, addedMs: rows.map((r) => ({ fixWorkers: r.fixWorkers, addedMs: off ? r.wallMs - off.wallMs : null })) },
      runs: samples,
      note: `medians; test_command ${TEST_COMMAND}; 2 workers per phase; the example's 2 fixers (one right, one wrong)`,
    });
    const table = markdownTable(
      [
        'fix_workers',
        'runs',
        'wall ms',
        'added by the phase ms',
        'fix phase ms',
        'fixer agents ms',
        'verification and the rest ms',
      ],
      rows.map((r) => [
        r.fixWorkers,
        r.runs,
        r.wallMs,
        off ? r.wallMs - off.wallMs : '—',
        r.fixPhaseMs,
        r.fixerAgentsMs,
        r.verificationMs,
      ]),
    );
    console.log(`\nFix phase (${MODE}) → ${file}\n\n${table}\n`);
  });
});
