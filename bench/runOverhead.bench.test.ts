// Benchmark (issue 8, part 1): run overhead — full runs of the bundled example with 2, 4 and 6 workers
// per phase (real codex, tmux on a private socket, git worktrees; the scripted model answers at once),
// each run's wall time split into
//   agent time on the critical path: while at least one repro or triage agent ran (the union of the
//     intervals from its launch script's start — the mtime of scripts/<invocation>.pid — to codex's
//     exit — the mtime of scripts/<invocation>.exit),
//   validation and minimization: those phases' durations (phase_started → phase_finished events;
//     minimization includes the reducer agent),
//   overhead: everything else — preflight, issue intake, worktrees, tmux sessions, collecting answers,
//     evidence checks, ranking, the report, cleanup.
// Prints figures (medians over repeats) and writes bench/results/runOverhead.json; asserts nothing
// about time. Smoke: one run with 2 workers; full (MMINIONS_BENCH_FULL=1): 2/4/6 workers × 3 repeats.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../main/agents/scenario';
import { runManager } from '../main/manager/pipeline';
import { createRunHarness, getAgent, statsminiScenario, type RunArtifacts, type RunHarness } from '../testkit/runHarness';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const WORKER_COUNTS = FULL ? [2, 4, 6] : [2];
const REPEATS = FULL ? 3 : 1;

/** The example's scenario for `n` workers per phase, every scripted delay removed. */
async function scenarioFor(n: number): Promise<ScenarioInput> {
  const base = await statsminiScenario();
  const copy = (role: string, from: string, to: string): ScenarioInput['agents'][number] => {
    const e = JSON.parse(JSON.stringify(getAgent(base, role, from))) as ScenarioInput['agents'][number] & {
      steps: Array<Record<string, unknown>>;
    };
    e.worker = to;
    for (const s of e.steps) if (typeof s.message === 'string') s.message = s.message.replaceAll(`${from}-`, `${to}-`);
    return e;
  };
  const agents: ScenarioInput['agents'] = [getAgent(base, 'REDUCER', 'manager')];
  for (let i = 1; i <= n; i++) {
    agents.push(copy('REPRO_BUILDER', i % 2 ? 'w1' : 'w2', `w${i}`));
    agents.push(copy('TRIAGER', i % 2 ? 'w3' : 'w4', `w${n + i}`));
  }
  return JSON.parse(JSON.stringify({ ...base, agents }, (k, v) => (k === 'delay_ms' ? undefined : v))) as ScenarioInput;
}

/** Total length of the union of [start, end] intervals (ms). */
function unionMs(intervals: Array<[number, number]>): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const [a, b] of sorted) {
    if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

interface Split {
  workers: number;
  repeat: number;
  status: string;
  wallMs: number;
  agentCriticalMs: number;
  validationMs: number;
  minimizationMs: number;
  overheadMs: number;
  /** Where the overhead went (ms): phases outside the agents, and the manager's share of the worker phases. */
  overhead: {
    preflight: number;
    issue: number;
    reproPhaseBesideAgents: number;
    triagePhaseBesideAgents: number;
    outsidePhases: number;
  };
}

/** Phase durations (ms) from phase_started/phase_finished events. */
function phaseMs(a: RunArtifacts): Record<string, { start: number; ms: number }> {
  const out: Record<string, { start: number; ms: number }> = {};
  const open = new Map<string, number>();
  for (const e of a.events) {
    const t = Date.parse(e.ts);
    if (e.type === 'phase_started') open.set(String(e.phase), t);
    if (e.type === 'phase_finished') {
      const s = open.get(String(e.phase));
      if (s !== undefined) out[String(e.phase)] = { start: s, ms: t - s };
    }
  }
  return out;
}

async function agentIntervals(a: RunArtifacts, phase: 'repro' | 'triage'): Promise<Array<[number, number]>> {
  const out: Array<[number, number]> = [];
  for (const w of a.sessions.workers.filter((x) => x.phase === phase)) {
    // Every attempt's invocation (a restarted worker has -r2 …); the example has one each.
    const started = (await stat(join(a.paths.scriptsDir, `${w.invocation}.pid`))).mtimeMs;
    const exited = (await stat(join(a.paths.scriptsDir, `${w.invocation}.exit`))).mtimeMs;
    out.push([started, exited]);
  }
  return out;
}

const splits: Split[] = [];

describe(`run overhead benchmark (${MODE}: ${WORKER_COUNTS.join('/')} workers × ${REPEATS})`, () => {
  for (const n of WORKER_COUNTS) {
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      it(`${n} workers, run ${repeat}: wall time split`, async () => {
        let h: RunHarness | null = null;
        try {
          h = await createRunHarness({ scenario: await scenarioFor(n), manager: { workers: n } });
          const t0 = Date.now();
          const res = await runManager({ request: h.request(), out: () => undefined });
          const t1 = Date.now();
          const a = await h.readRun(res.runId);
          expect(a.decision.status, a.decision.rationale).toBe('ok');
          expect(a.sessions.workers.filter((w) => w.phase === 'repro')).toHaveLength(n);
          expect(a.sessions.workers.filter((w) => w.phase === 'triage')).toHaveLength(n);
          const phases = phaseMs(a);
          if (process.env.MMINIONS_BENCH_TRACE === '1') {
            const tl = a.events.map((e) => `${Date.parse(e.ts) - t0}\t${e.type}\t${JSON.stringify(e).slice(0, 160)}`);
            const files = await Promise.all(
              a.sessions.workers.map(
                async (w) =>
                  `${w.invocation}: pid ${Math.round((await stat(join(a.paths.scriptsDir, `${w.invocation}.pid`))).mtimeMs - t0)} exit ${Math.round((await stat(join(a.paths.scriptsDir, `${w.invocation}.exit`))).mtimeMs - t0)}`,
              ),
            );
            console.log(
              `[trace] ${n} workers, run ${repeat} (ms since start)\n${tl.join('\n')}\n${files.join('\n')}\nreturned ${t1 - t0}`,
            );
          }
          const repro = await agentIntervals(a, 'repro');
          const triage = await agentIntervals(a, 'triage');
          const reproAgents = unionMs(repro);
          const triageAgents = unionMs(triage);
          const wallMs = t1 - t0;
          const agentCriticalMs = reproAgents + triageAgents;
          const validationMs = phases.validation?.ms ?? 0;
          const minimizationMs = phases.minimize?.ms ?? 0;
          const inPhases = Object.values(phases).reduce((s, p) => s + p.ms, 0);
          splits.push({
            workers: n,
            repeat,
            status: a.decision.status,
            wallMs,
            agentCriticalMs: Math.round(agentCriticalMs),
            validationMs,
            minimizationMs,
            overheadMs: Math.round(wallMs - agentCriticalMs - validationMs - minimizationMs),
            overhead: {
              preflight: phases.preflight?.ms ?? 0,
              issue: phases.issue?.ms ?? 0,
              reproPhaseBesideAgents: Math.round((phases.repro?.ms ?? 0) - reproAgents),
              triagePhaseBesideAgents: Math.round((phases.triage?.ms ?? 0) - triageAgents),
              outsidePhases: wallMs - inPhases,
            },
          });
          await h.assertClean();
        } finally {
          await h?.cleanup();
        }
      }, 300_000);
    }
  }

  afterAll(async () => {
    if (splits.length === 0) return;
    const med = (xs: number[]) => Math.round(percentile(xs, 50));
    const byWorkers = WORKER_COUNTS.map((n) => {
      const s = splits.filter((x) => x.workers === n);
      const m = (f: (x: Split) => number) => med(s.map(f));
      return {
        workers: n,
        runs: s.length,
        wallMs: m((x) => x.wallMs),
        agentCriticalMs: m((x) => x.agentCriticalMs),
        validationMs: m((x) => x.validationMs),
        minimizationMs: m((x) => x.minimizationMs),
        overheadMs: m((x) => x.overheadMs),
        overhead: {
          preflight: m((x) => x.overhead.preflight),
          issue: m((x) => x.overhead.issue),
          reproPhaseBesideAgents: m((x) => x.overhead.reproPhaseBesideAgents),
          triagePhaseBesideAgents: m((x) => x.overhead.triagePhaseBesideAgents),
          outsidePhases: m((x) => x.overhead.outsidePhases),
        },
      };
    }).filter((r) => r.runs > 0);
    const file = await writeResults('runOverhead', {
      summary: { byWorkers, target: { overheadMsUnder: 1000, growth: 'no faster than the number of workers' } },
      runs: splits,
      note: 'medians over repeats; agent time = union of [pid-file mtime, exit-file mtime] per phase; phases from events.jsonl (ms resolution)',
    });
    const table = markdownTable(
      ['workers', 'runs', 'wall ms', 'agents (critical path) ms', 'validation ms', 'minimization ms', 'overhead ms', 'target'],
      byWorkers.map((r) => [
        r.workers,
        r.runs,
        r.wallMs,
        r.agentCriticalMs,
        r.validationMs,
        r.minimizationMs,
        r.overheadMs,
        '< 1000 ms',
      ]),
    );
    const where = markdownTable(
      [
        'workers',
        'preflight ms',
        'issue ms',
        'repro phase beside agents ms',
        'triage phase beside agents ms',
        'outside phases ms',
      ],
      byWorkers.map((r) => [
        r.workers,
        r.overhead.preflight,
        r.overhead.issue,
        r.overhead.reproPhaseBesideAgents,
        r.overhead.triagePhaseBesideAgents,
        r.overhead.outsidePhases,
      ]),
    );
    console.log(`\nRun overhead (${MODE}) → ${file}\n\n${table}\n\nWhere the overhead went (medians):\n\n${where}\n`);
  });
});
