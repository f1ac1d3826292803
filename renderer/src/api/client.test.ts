// The API client against the real status server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testkit/testServer';
import { DONE_RUN, writeDoneRun } from '../../../e2e/support/runFixtures';
import { ApiClient, ApiError } from './client';

let t: TestServer;
let client: ApiClient;

beforeAll(async () => {
  t = await startTestServer();
  await writeDoneRun(t.store);
  client = new ApiClient({ baseUrl: t.server.url, token: t.server.token });
});
afterAll(() => t?.cleanup());

describe('ApiClient', () => {
  it('reads runs, status and validated artifacts', async () => {
    const runs = await client.runs();
    expect(runs.items.map((r) => r.run_id)).toEqual([DONE_RUN]);
    const status = await client.status(DONE_RUN);
    expect(status.workers.map((w) => w.worker_id)).toEqual(['w1', 'w2', 'w3', 'w4']);
    const candidates = await client.artifact(DONE_RUN, 'candidates');
    expect(candidates?.candidates.map((c) => c.validation.matches)).toEqual([3, 1]);
    expect((await client.artifact(DONE_RUN, 'final'))?.startsWith('# median()')).toBe(true);
    expect(
      (await client.artifact(DONE_RUN, 'telemetry'))?.invocations.find((i) => i.invocation === 'repro-w1')?.usage.input_tokens,
    ).toBe(42_000);
    expect((await client.config()).defaults.workers).toBeGreaterThan(0);
  });

  it('gives null for an artifact not written yet, and typed errors', async () => {
    const { runId } = await t.store.create('run-empty');
    expect(await client.artifact(runId, 'hypotheses')).toBeNull();
    await expect(client.status('run-missing')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
    const wrong = new ApiClient({ baseUrl: t.server.url, token: 'wrong' });
    await expect(wrong.runs()).rejects.toMatchObject({ kind: 'unauthorized' });
    const err = await client
      .startRun({ issue_url: 'https://github.com/a/b/issues/1', repo_path: '/no/such/repo' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'bad-input', status: 400 });
    expect((err as ApiError).message).toMatch(/^repo_path: /);
    const down = new ApiClient({ baseUrl: 'http://127.0.0.1:9', token: 'x' });
    await expect(down.runs()).rejects.toMatchObject({ kind: 'network' });
  });

  it('accepts fields the dashboard does not know (the manager adds some to selected_candidate)', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const paths = t.store.paths(DONE_RUN);
    const selected = JSON.parse(await readFile(paths.selectedCandidate, 'utf8'));
    await writeFile(paths.selectedCandidate, JSON.stringify({ ...selected, minimal_script: 'x', reduction: { lines_final: 2 } }));
    expect((await client.artifact(DONE_RUN, 'selected_candidate'))?.candidate_id).toBe('median-empty');
  });

  it('rejects an artifact that does not have its schema', async () => {
    const { paths } = await t.store.create('run-damaged');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(paths.hypotheses, JSON.stringify({ ranked: 'nope' }));
    await expect(client.artifact('run-damaged', 'hypotheses')).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('builds terminal socket URLs with the token', () => {
    const u = new URL(client.terminalUrl('run-1', 'w2', 'ro', 100, 30));
    expect(u.protocol).toBe('ws:');
    expect(u.pathname).toBe('/api/runs/run-1/terminal/w2');
    expect(Object.fromEntries(u.searchParams)).toEqual({ mode: 'ro', token: t.server.token, cols: '100', rows: '30' });
  });
});
