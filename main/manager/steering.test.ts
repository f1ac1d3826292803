// Steering a run for real: follow-ups reach the workers' codex (interrupting a running turn, or resuming an
// ended one) through the run's control folder, and the manager takes skip / extend / status. Real codex
// against the scripted model (which scripts the follow-ups), real tmux, real validation.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  getAgent,
  harnessPerTest,
  type RunArtifacts,
  type RunHarness,
  reproMessage,
  setAgent,
  statsminiScenario,
  waitFor,
} from '../../testkit/runHarness';
import { readJson } from '../runs/runStore';
import { SessionsFile } from '../../common/artifacts';
import { RunControlError, sendToWorker } from './control';
import { runManager } from './pipeline';

const harness = harnessPerTest();

/** The candidate a follow-up asks for: the plain call, no noise (a valid reproduction). */
const FOLLOWUP_CANDIDATE = reproMessage({
  candidate_id: 'w1-after-followup',
  script: 'import statsmini\nstatsmini.convolve([], [1, 2])\n',
  claimed_failure_signature: 'ValueError: kernel cannot be empty',
});

/** The manager in this process (a stop is its abort signal, as SIGTERM is for `mminions manager`). */
function start(h: RunHarness, runId: string) {
  const lines: string[] = [];
  const stop = new AbortController();
  const done = runManager({ request: h.request({ runId }), out: (l) => lines.push(l), signal: stop.signal }).then(async (r) => ({
    ...(await h.readRun(r.runId)),
    lines,
  }));
  return { done, lines, stop };
}

async function workerStatus(h: RunHarness, runId: string, worker: string): Promise<string | null> {
  const s = await readJson(h.store.paths(runId).sessions, SessionsFile).catch(() => null);
  return s?.workers.find((w) => w.worker_id === worker)?.status ?? null;
}

const until = (h: RunHarness, runId: string, worker: string, status: string) =>
  waitFor(`${worker} ${status}`, async () => (await workerStatus(h, runId, worker)) === status, 60_000);

const statuses = (a: RunArtifacts, w: string) =>
  a.events.filter((e) => e.type === 'worker_status' && e.worker === w).map((e) => e.status);

describe('follow-ups to workers', () => {
  it('a follow-up to a running repro worker interrupts its turn; its new answer is the candidate validated; every turn’s tokens count', {
    timeout: 150_000,
  }, async () => {
    const scenario = await statsminiScenario();
    const w1 = getAgent(scenario, 'REPRO_BUILDER', 'w1');
    w1.delay_ms = 8_000; // still thinking when the follow-up comes
    w1.followups = [{ match: 'plain call', steps: [{ message: FOLLOWUP_CANDIDATE }] }];
    const h = await harness({ scenario });
    const runId = 'run-followup-running';
    const run = start(h, runId);
    await until(h, runId, 'w1', 'running');
    await waitFor('w1 telemetry', () => existsSync(join(h.store.paths(runId).telemetryDir, 'repro-w1.jsonl')), 30_000);
    const sent = await sendToWorker(h.store, runId, 'w1', 'Use the plain call convolve([], [1, 2]), nothing else.');
    expect(sent.delivered).toBe('followup');
    const a = await run.done;
    const { readFile } = await import('node:fs/promises');
    const dbg = await readFile(join(a.paths.telemetryDir, 'repro-w1.stderr.txt'), 'utf8').catch(() => '');
    const tel = await readFile(join(a.paths.telemetryDir, 'repro-w1.jsonl'), 'utf8').catch(() => '');
    const pane = await readFile(join(a.paths.agentsDir, 'repro-w1.pane.txt'), 'utf8').catch(() => '');
    expect(
      a.decision.status,
      `${a.lines.join('\n')}\nSTDERR ${dbg}\nTEL ${tel}\nPANE ${pane}\n${JSON.stringify(h.model.log)}`,
    ).toBe('ok');
    expect(a.candidates.w1).toMatchObject({ candidate_id: 'w1-after-followup', validation: { passed: true } });
    expect(a.decision.selected_repro_candidate_id).toBe('w1-after-followup');
    // The follow-up is an event; the worker went on running and then finished its second turn.
    expect(a.events.filter((e) => e.type === 'followup')).toEqual([
      expect.objectContaining({ worker: 'w1', delivered: 'followup', text: expect.stringContaining('plain call') }),
    ]);
    expect(statuses(a, 'w1').at(-1)).toBe('finished');
    // The interrupted first turn and the follow-up turn: both served, both counted.
    const served = h.model.log.filter((e) => e.role === 'REPRO_BUILDER' && e.worker === 'w1' && e.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(1);
    const byAgent = h.servedUsage().byAgent['REPRO_BUILDER/w1']!;
    expect(a.decision.metrics.tokens.by_source['repro-w1']!.input_tokens).toBe(byAgent.input_tokens);
    expect(existsSync(join(a.paths.scriptsDir, 'repro-w1.turn2.exit'))).toBe(true);
    await h.assertClean();
  });

  it('a follow-up to a finished repro worker while its phase still runs: the phase waits for the new answer; after the phase, 409 and nothing delivered', {
    timeout: 150_000,
  }, async () => {
    const scenario = await statsminiScenario();
    getAgent(scenario, 'REPRO_BUILDER', 'w1').followups = [{ match: 'plain call', steps: [{ message: FOLLOWUP_CANDIDATE }] }];
    getAgent(scenario, 'REPRO_BUILDER', 'w2').delay_ms = 6_000; // the phase stays open a while
    for (const w of ['w3', 'w4']) getAgent(scenario, 'TRIAGER', w).delay_ms = 4_000;
    const h = await harness({ scenario });
    const runId = 'run-followup-finished';
    const run = start(h, runId);
    await until(h, runId, 'w1', 'finished');
    expect(await workerStatus(h, runId, 'w2')).toBe('running');
    await sendToWorker(h.store, runId, 'w1', 'Now the plain call, please.');
    // Once triage runs, the repro phase is over: refused, and nothing reaches w1.
    await until(h, runId, 'w3', 'running');
    const late = await sendToWorker(h.store, runId, 'w1', 'one more thing').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(RunControlError);
    expect((late as RunControlError).kind).toBe('refused');
    expect((late as Error).message).toMatch(/the repro phase is over/);
    const a = await run.done;
    expect(a.decision.status, a.lines.join('\n')).toBe('ok');
    expect(a.candidates.w1?.candidate_id).toBe('w1-after-followup');
    expect(statuses(a, 'w1')).toEqual(['running', 'finished', 'running', 'finished']);
    expect(a.events.filter((e) => e.type === 'followup').map((e) => e.text)).toEqual([expect.stringContaining('plain call')]);
    expect(existsSync(join(a.paths.scriptsDir, 'repro-w1.turn3.exit'))).toBe(false);
    // Both turns' tokens count: the first answer's (two responses) and the follow-up's.
    const byAgent = h.servedUsage().byAgent['REPRO_BUILDER/w1']!;
    expect(byAgent.turns).toBe(3);
    expect(a.decision.metrics.tokens.by_source['repro-w1']).toMatchObject({
      input_tokens: byAgent.input_tokens,
      output_tokens: byAgent.output_tokens,
      turns: 2,
    });
    // A finished run takes nothing.
    const over = await sendToWorker(h.store, runId, 'w1', 'hello?').catch((e: unknown) => e);
    expect((over as RunControlError).kind).toBe('no-session');
    expect((over as Error).message).toMatch(/not running/);
    await h.assertClean();
  });

  it('refuses an unknown worker, an empty or control-character text; stop during a follow-up leaves nothing behind', {
    timeout: 120_000,
  }, async () => {
    const scenario = await statsminiScenario();
    const w1 = getAgent(scenario, 'REPRO_BUILDER', 'w1');
    w1.followups = [{ match: '.', delay_ms: 30_000, steps: [{ message: FOLLOWUP_CANDIDATE }] }];
    getAgent(scenario, 'REPRO_BUILDER', 'w2').delay_ms = 30_000;
    const h = await harness({ scenario });
    const runId = 'run-followup-stop';
    const run = start(h, runId);
    await until(h, runId, 'w1', 'finished');
    const unknown = await sendToWorker(h.store, runId, 'w9', 'x').catch((e: unknown) => e);
    expect((unknown as RunControlError).kind).toBe('bad-worker');
    const empty = await sendToWorker(h.store, runId, 'w1', '   ').catch((e: unknown) => e);
    expect((empty as RunControlError).kind).toBe('bad-request');
    const ctl = await sendToWorker(h.store, runId, 'w1', 'a\u001b[2Jb').catch((e: unknown) => e);
    expect((ctl as RunControlError).kind).toBe('bad-request');
    await sendToWorker(h.store, runId, 'w1', 'take your time');
    await until(h, runId, 'w1', 'running');
    // A follow-up the launch script has not taken yet (it is in codex's 30 s turn): a second one
    // would replace it, so it is refused until the first has started.
    const pending = join(h.store.paths(runId).scriptsDir, 'repro-w1.followup');
    await waitFor(
      'the script took the first follow-up',
      () => existsSync(`${pending}.turn2.txt`) && !existsSync(pending),
      30_000,
    );
    await writeFile(pending, 'waiting\n');
    const second = await sendToWorker(h.store, runId, 'w1', 'and another thing').catch((e: unknown) => e);
    expect((second as RunControlError).kind).toBe('refused');
    expect((second as Error).message).toMatch(/previous follow-up has not started yet/);
    await rm(pending);
    run.stop.abort();
    const a = await run.done;
    expect(a.decision.status).toBe('stopped');
    await h.assertClean();
  });
});

describe('manager commands', () => {
  it('skip ends a phase whose worker hangs, with the answers it has; extend and status answer; anything else is refused', {
    timeout: 150_000,
  }, async () => {
    const scenario = await statsminiScenario();
    setAgent(scenario, { role: 'REPRO_BUILDER', worker: 'w2', hang: true });
    const h = await harness({ scenario });
    const runId = 'run-skip';
    const run = start(h, runId);
    await until(h, runId, 'w1', 'finished');
    const ext = await sendToWorker(h.store, runId, 'manager', 'extend 30');
    expect(ext).toMatchObject({
      delivered: 'command',
      message: expect.stringMatching(/the repro phase has 30 s more: its workers time out in (8\d|9\d) s/),
    });
    const status = await sendToWorker(h.store, runId, 'manager', 'status');
    expect(status.message).toMatch(/phase: repro[\s\S]*w1 \(repro_builder\): finished[\s\S]*w2 \(repro_builder\): running/);
    const bad = await sendToWorker(h.store, runId, 'manager', 'rm -rf /').catch((e: unknown) => e);
    expect((bad as RunControlError).kind).toBe('bad-request');
    expect((bad as Error).message).toMatch(/use "skip", "extend <seconds>", "status"/);
    const badExtend = await sendToWorker(h.store, runId, 'manager', 'extend forever').catch((e: unknown) => e);
    expect((badExtend as Error).message).toMatch(/1 to 3600/);
    const skip = await sendToWorker(h.store, runId, 'manager', 'skip');
    expect(skip.message).toMatch(/skipping the repro phase/);
    const a = await run.done;
    expect(a.decision.status, a.lines.join('\n')).toBe('ok');
    expect(a.decision.selected_repro_candidate_id).toBe('w1-empty-signal');
    expect(a.sessions.workers.find((w) => w.worker_id === 'w2')).toMatchObject({
      status: 'stopped',
      detail: 'the phase was skipped by request',
    });
    expect(a.lines.join('\n')).toContain('[command] skipping the repro phase');
    expect(a.events.filter((e) => e.type === 'followup').map((e) => `${e.worker}:${e.text}`)).toEqual([
      'manager:extend 30',
      'manager:status',
      'manager:skip',
    ]);
    // Between worker phases, skip has nothing to end.
    await h.assertClean();
  });
});
