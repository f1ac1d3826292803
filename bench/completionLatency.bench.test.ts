// Benchmark (issue 8, part 2): completion latency — from a worker's codex exit (the moment its launch
// script writes the exit-code file: that file's mtime, kept by the atomic rename) to the manager's
// `worker_status: finished` event in events.jsonl. Full runs of the bundled example (real codex, tmux
// on a private socket, git worktrees) with the scripted model at zero delay. Prints p50/p95 and writes
// bench/results/completionLatency.json; asserts nothing about time. Smoke: 1 run; full: 5 runs.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../main/agents/scenario';
import { runManager } from '../main/manager/pipeline';
import { createRunHarness, statsminiScenario, type RunHarness } from '../testkit/runHarness';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const RUNS = FULL ? 5 : 1;

interface Sample {
  run: number;
  worker: string;
  role: string;
  latencyMs: number;
}

const samples: Sample[] = [];
const runWallMs: number[] = [];

/** The scenario with every scripted delay removed (answers come at once). */
function zeroDelay(s: ScenarioInput): ScenarioInput {
  return JSON.parse(JSON.stringify(s, (k, v) => (k === 'delay_ms' ? undefined : v))) as ScenarioInput;
}

describe(`completion latency benchmark (${MODE}: ${RUNS} run${RUNS === 1 ? '' : 's'})`, () => {
  for (let run = 1; run <= RUNS; run++) {
    it(`run ${run}: codex exit → finished event, every worker`, async () => {
      let h: RunHarness | null = null;
      try {
        h = await createRunHarness({ scenario: zeroDelay(await statsminiScenario()) });
        const t0 = performance.now();
        const res = await runManager({ request: h.request(), out: () => undefined });
        runWallMs.push(Math.round(performance.now() - t0));
        const a = await h.readRun(res.runId);
        const finished = a.events.filter((e) => e.type === 'worker_status' && e.status === 'finished');
        expect(finished.length).toBeGreaterThan(0);
        for (const e of finished) {
          const w = a.sessions.workers.find((x) => x.worker_id === e.worker);
          expect(w, `worker ${String(e.worker)} in sessions.json`).toBeTruthy();
          const exitFile = join(a.paths.scriptsDir, `${w!.invocation}.exit`);
          const exitedAt = (await stat(exitFile)).mtimeMs;
          samples.push({ run, worker: String(e.worker), role: w!.role, latencyMs: Date.parse(e.ts) - exitedAt });
        }
        await h.assertClean();
      } finally {
        await h?.cleanup();
      }
    }, 300_000);
  }

  afterAll(async () => {
    if (samples.length === 0) return;
    const lat = samples.map((s) => s.latencyMs);
    const summary = {
      runs: runWallMs.length,
      workers: samples.length,
      p50Ms: Math.round(percentile(lat, 50)),
      p95Ms: Math.round(percentile(lat, 95)),
      maxMs: Math.round(Math.max(...lat)),
      medianRunWallMs: percentile(runWallMs, 50),
      target: { p95MsUnder: 100 },
      note: 'event ts has millisecond resolution; exit time = mtime of runs/<id>/scripts/<invocation>.exit',
    };
    const file = await writeResults('completionLatency', { summary, samples });
    const table = markdownTable(
      ['runs', 'workers', 'p50 ms', 'p95 ms', 'max ms', 'target p95', 'median run wall ms'],
      [[summary.runs, summary.workers, summary.p50Ms, summary.p95Ms, summary.maxMs, '< 100 ms', summary.medianRunWallMs]],
    );
    const perWorker = markdownTable(
      ['run', 'worker', 'role', 'latency ms'],
      samples.map((s) => [s.run, s.worker, s.role, Math.round(s.latencyMs)]),
    );
    console.log(`\nCompletion latency (${MODE}) → ${file}\n\n${table}\n\n${perWorker}\n`);
  });
});
