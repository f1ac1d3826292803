import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { claimEvalRunDir } from '../eval/artifacts';
import { appendEvent, readEvents } from './events';
import { assertRunId, readJson, RunStore, RunStoreError, timestampRunId, writeJsonAtomic } from './runStore';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mm-runs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run ids', () => {
  it('formats run-YYYYMMDDHHMMSS in UTC', () => {
    expect(timestampRunId(new Date(Date.UTC(2026, 1, 5, 12, 30, 0)))).toBe('run-20260205123000');
  });
  it.each(['../etc', '..', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(129), 'run 1', 'run;rm', '%2e%2e', 'v1.2', 'a:b'])(
    'refuses %j',
    (id) => {
      expect(() => assertRunId(id)).toThrow(RunStoreError);
    },
  );
  it.each(['run-20260205123000', 'my_run_2', 'A-b_c-d'])('accepts %j', (id) => {
    expect(assertRunId(id)).toBe(id);
  });
});

describe('RunStore', () => {
  it('creates the skeleton and lists runs oldest first', async () => {
    const store = new RunStore(join(root, 'runs'));
    const now = new Date(Date.UTC(2026, 1, 5, 12, 30, 0));
    const a = await store.create(undefined, now);
    const b = await store.create(undefined, now);
    const c = await store.create(undefined, now);
    expect([a.runId, b.runId, c.runId]).toEqual(['run-20260205123000', 'run-20260205123000-2', 'run-20260205123000-3']);
    expect((await readdir(a.paths.dir)).sort()).toEqual([
      'agents',
      'events.jsonl',
      'meta',
      'prompts',
      'repro',
      'scripts',
      'telemetry',
      'triage',
    ]);
    expect(await readdir(a.paths.reproDir)).toEqual(['candidates']);
    await writeFile(join(store.root, 'not-a-run.txt'), 'x');
    // An eval run's folder in the same runs root (mminions eval) is not a manager run.
    const evalRun = await claimEvalRunDir(store.root, 'numpy-convolve', now);
    expect(evalRun.id).toBe('eval-numpy-convolve-20260205123000');
    expect(await store.list()).toEqual([a.runId, b.runId, c.runId]);
    expect(await store.exists(evalRun.id)).toBe(false); // status, stop and manager do not take it for a run
    expect(await store.exists(a.runId)).toBe(true);
    expect(await store.exists('../x')).toBe(false);
  });

  it('makes ids unique when runs start concurrently in the same second', async () => {
    const store = new RunStore(root);
    const now = new Date(Date.UTC(2026, 0, 1));
    const ids = await Promise.all(Array.from({ length: 8 }, () => store.create(undefined, now).then((r) => r.runId)));
    expect(new Set(ids).size).toBe(8);
  });

  it('refuses an explicit id that exists or is unsafe', async () => {
    const store = new RunStore(root);
    await store.create('mine');
    await expect(store.create('mine')).rejects.toThrow(/already exists/);
    await expect(store.create('../escape')).rejects.toThrow(/invalid run id/);
    await expect(store.create('eval-mine')).rejects.toThrow(/kept for eval runs/);
    expect(() => store.dir('..')).toThrow(RunStoreError);
  });

  it('lists nothing for a runs root that does not exist', async () => {
    expect(await new RunStore(join(root, 'missing')).list()).toEqual([]);
  });
});

describe('JSON artifacts', () => {
  const Schema = z.object({ n: z.number() });
  it('writes atomically and reads back validated', async () => {
    const p = join(root, 'a.json');
    await writeJsonAtomic(p, { n: 1 });
    expect(await readJson(p, Schema)).toEqual({ n: 1 });
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
  it('returns null for a missing file and a clear error for bad content', async () => {
    expect(await readJson(join(root, 'none.json'), Schema)).toBeNull();
    await writeFile(join(root, 'bad.json'), '{"n":');
    await expect(readJson(join(root, 'bad.json'), Schema)).rejects.toThrow(/bad.json: not valid JSON/);
    await writeFile(join(root, 'wrong.json'), '{"n":"x"}');
    await expect(readJson(join(root, 'wrong.json'), Schema)).rejects.toThrow(/wrong.json: n:/);
  });
});

describe('events.jsonl', () => {
  it('appends with a timestamp and reads incrementally from a byte offset', async () => {
    const p = join(root, 'events.jsonl');
    await appendEvent(p, { type: 'phase_started', phase: 'repro' });
    await appendEvent(p, { type: 'worker_status', worker: 'w1', status: 'running' });
    const first = await readEvents(p, 0);
    expect(first.events.map((e) => e.event.type)).toEqual(['phase_started', 'worker_status']);
    expect(first.events[0]!.event.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first.nextOffset).toBe((await readFile(p)).length);
    expect(first.events[1]!.offset).toBe(first.nextOffset);
    // A half-written line waits; a corrupt complete line is skipped.
    await appendFile(p, 'not json\n{"ts":"x","type":"run_fin');
    const second = await readEvents(p, first.nextOffset);
    expect(second.events).toEqual([]);
    await appendFile(p, 'ished"}\n');
    const third = await readEvents(p, second.nextOffset);
    expect(third.events.map((e) => e.event.type)).toEqual(['run_finished']);
    // Resuming after the first event yields only the later ones.
    expect((await readEvents(p, first.events[0]!.offset)).events.map((e) => e.event.type)).toEqual([
      'worker_status',
      'run_finished',
    ]);
  });
  it('reads nothing from a missing log', async () => {
    expect(await readEvents(join(root, 'none.jsonl'), 0)).toEqual({ events: [], nextOffset: 0 });
  });
});
