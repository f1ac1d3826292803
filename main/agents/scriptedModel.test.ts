import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CODEX_BIN, killGroup, makeCodexHome, runCodex, type CodexHome } from '../../testkit/codexHome';
import { buildConfig } from '../config/config';
import { buildCodexArgs } from './codexCommand';
import { alive } from '../../testkit/processes';
import { startTestModel, withScriptedModel, type TestModel } from '../../testkit/scriptedModel';
import { renderEvent } from './renderEvents';
import type { ScenarioInput } from './scenario';
import { runScriptedModelCli, startScriptedModel, type LogEntry } from './scriptedModel';
import { summarizeTelemetry } from './telemetry';

const USAGE = { input_tokens: 1500, cached_input_tokens: 300, output_tokens: 400 };
const SCENARIO: ScenarioInput = {
  usage: { input_tokens: 7, output_tokens: 3 },
  agents: [
    { role: 'REPRO_BUILDER', worker: 'w1', usage: USAGE, steps: [{ message: '{"candidate_id": "c1"}' }] },
    { role: 'REPRO_BUILDER', worker: 'w2', usage: USAGE, steps: [{ exec: 'echo hi > marker.txt' }, { message: 'wrote it' }] },
    { role: 'REPRO_BUILDER', worker: 'w3', hang: true },
    { role: 'TRIAGER', worker: 'w1', delay_ms: 300, steps: [{ message: 'slow' }] },
  ],
};

const prompt = (role: string, worker: string) => ({
  model: 'scripted',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'instructions' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: `ROLE: ${role}\nWORKER: ${worker}\ngo` }] },
  ],
});

function sseEvents(text: string): Array<Record<string, any>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, any>);
}

async function post(url: string, body: unknown) {
  return fetch(`${url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('scripted model over HTTP', () => {
  let model: TestModel;
  beforeEach(async () => {
    model = await startTestModel(SCENARIO);
  });
  afterEach(async () => {
    await model.close();
  });

  test('listens on loopback and serves /v1/models', async () => {
    expect(model.url).toBe(`http://127.0.0.1:${model.port}/v1`);
    const res = await fetch(`${model.url}/models`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'list', data: [] });
  });

  test('answers a message step as SSE with usage', async () => {
    const res = await post(model.url, prompt('REPRO_BUILDER', 'w1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.output_item.done', 'response.completed']);
    expect(events[1]!.item).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: '{"candidate_id": "c1"}' }],
    });
    expect(events[2]!.response.usage).toEqual({
      input_tokens: 1500,
      input_tokens_details: { cached_tokens: 300 },
      output_tokens: 400,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1900,
    });
  });

  test('answers an exec step with an exec_command call, then the next step (also on /responses)', async () => {
    const first = sseEvents(
      await (
        await fetch(`${model.url.replace(/\/v1$/, '')}/responses`, {
          method: 'POST',
          body: JSON.stringify(prompt('REPRO_BUILDER', 'w2')),
        })
      ).text(),
    );
    const call = first[1]!.item;
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(call.arguments)).toEqual({ cmd: 'echo hi > marker.txt', login: false });
    const again = sseEvents(await (await post(model.url, prompt('REPRO_BUILDER', 'w2'))).text());
    expect(again[1]!.item.call_id).not.toBe(call.call_id);

    const body = prompt('REPRO_BUILDER', 'w2');
    body.input.push(call, { type: 'function_call_output', call_id: call.call_id, output: 'ok' } as never);
    const second = sseEvents(await (await post(model.url, body)).text());
    expect(second[1]!.item.content[0].text).toBe('wrote it');
    expect(model.log.map((e) => [e.worker, e.step, e.reply])).toEqual([
      ['w2', 0, 'exec'],
      ['w2', 0, 'exec'],
      ['w2', 1, 'message'],
    ]);
  });

  test('400 JSON for unknown agents and malformed bodies; the log records them', async () => {
    const unknown = await post(model.url, prompt('TRIAGER', 'w9'));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { message: 'scripted model: no scenario entry for role=TRIAGER worker=w9' },
    });

    const notJson = await post(model.url, '{"input": [');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.message).toMatch(/not valid JSON/);
    const notObject = await post(model.url, '[1, 2]');
    expect(notObject.status).toBe(400);
    const zipped = await fetch(`${model.url}/responses`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(prompt('TRIAGER', 'w8'))),
    });
    expect(zipped.status).toBe(400); // decoded: the unknown worker, not a garbled body
    expect(((await zipped.json()) as any).error.message).toMatch(/worker=w8/);
    const zstd = await fetch(`${model.url}/responses`, { method: 'POST', headers: { 'content-encoding': 'zstd' }, body: 'xx' });
    expect(((await zstd.json()) as any).error.message).toMatch(/unsupported content-encoding "zstd"/);

    const missing = await fetch(`${model.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toMatch(/no route GET \/v1\/nothing/);

    const served = (await (await fetch(`http://127.0.0.1:${model.port}/scripted/log`)).json()) as LogEntry[];
    expect(served).toEqual(model.log);
    expect(served.map((e) => [e.role, e.worker, e.status, e.reply])).toEqual([
      ['TRIAGER', 'w9', 400, 'error'],
      [null, null, 400, 'error'],
      [null, null, 400, 'error'],
      ['TRIAGER', 'w8', 400, 'error'],
      [null, null, 400, 'error'],
    ]);
    expect(Date.parse(served[0]!.time)).not.toBeNaN();
  });

  test('a garbled HTTP request does not crash the server', async () => {
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = connect(model.port, '127.0.0.1', () => s.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${model.url}/models`)).status).toBe(200);
  });

  test('delay_ms delays the answer', async () => {
    const t0 = Date.now();
    const events = sseEvents(await (await post(model.url, prompt('TRIAGER', 'w1'))).text());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(events[1]!.item.content[0].text).toBe('slow');
  });

  test('hang sends response.created and nothing more; close() does not wait for it', async () => {
    const received: string[] = [];
    const req = request(`${model.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.setEncoding('utf8').on('data', (d: string) => received.push(d));
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end(JSON.stringify(prompt('REPRO_BUILDER', 'w3')));
    await expect.poll(() => received.join(''), { timeout: 5000 }).toContain('response.created');
    await new Promise((r) => setTimeout(r, 300));
    expect(received.join('')).not.toContain('response.completed');
    expect(model.log.at(-1)).toMatchObject({ worker: 'w3', reply: 'hang', status: 200 });
    const t0 = Date.now();
    await model.close();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('runScriptedModelCli', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-smcli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('prints the URL, serves the scenario, stops on signal', async () => {
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify(SCENARIO));
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (d) => (printed += d));
    const stop = new AbortController();
    const done = runScriptedModelCli(['--scenario', file, '--port', '0'], {
      stdout,
      stderr: new PassThrough(),
      signal: stop.signal,
    });
    await expect.poll(() => printed, { timeout: 5000 }).toMatch(/\n$/);
    const url = /^scripted model listening on (http:\/\/127\.0\.0\.1:\d+\/v1)\n$/.exec(printed)?.[1];
    expect(url).toBeDefined();
    expect((await post(url!, prompt('REPRO_BUILDER', 'w1'))).status).toBe(200);
    stop.abort();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/models`)).rejects.toThrow();
  });

  test('explains bad arguments and bad scenario files', async () => {
    let err = '';
    const stderr = new PassThrough().on('data', (d) => (err += d));
    expect(await runScriptedModelCli([], { stderr })).toBe(2);
    expect(err).toMatch(/--scenario FILE is required/);
    expect(await runScriptedModelCli(['--scenario', 'x', '--port', 'abc'], { stderr })).toBe(2);
    expect(err).toMatch(/--port must be a whole number/);
    expect(await runScriptedModelCli(['--scenario', join(dir, 'none.json')], { stderr })).toBe(1);
    expect(err).toMatch(/none\.json: cannot read it/);
  });
});

describe('real codex against the scripted model', () => {
  let home: CodexHome;
  let cwd: string;
  beforeEach(async () => {
    home = await makeCodexHome();
    cwd = await mkdtemp(join(tmpdir(), 'mm-codex-cwd-'));
  });
  afterEach(async () => {
    await home.cleanup();
    await rm(cwd, { recursive: true, force: true });
  });

  const codexExec = (
    m: TestModel,
    worker: string,
    opts: { sandbox?: string; timeoutMs?: number; extra?: string[]; onSpawn?: (pid: number) => void } = {},
  ) =>
    runCodex({
      args: [
        'exec',
        '-',
        '--json',
        '-o',
        join(cwd, 'out.txt'),
        '--skip-git-repo-check',
        '-s',
        opts.sandbox ?? 'read-only',
        '-m',
        'scripted',
        ...m.codexArgs,
        '-c',
        'approval_policy="never"',
        ...(opts.extra ?? []),
      ],
      stdin: `ROLE: REPRO_BUILDER\nWORKER: ${worker}\nReproduce the bug.\n`,
      cwd,
      env: home.env,
      timeoutMs: opts.timeoutMs ?? 30_000,
      onSpawn: opts.onSpawn,
    });

  test('(a) a message step becomes the final message, with the scenario usage', async () => {
    await withScriptedModel(SCENARIO, async (m) => {
      const run = await codexExec(m, 'w1');
      expect(run.exitCode, run.stderr).toBe(0);
      expect(await readFile(join(cwd, 'out.txt'), 'utf8')).toBe('{"candidate_id": "c1"}');
      const t = summarizeTelemetry(run.stdout);
      expect(t.usage).toEqual({ input_tokens: 1500, cached_input_tokens: 300, output_tokens: 400, turns: 1 });
      expect(t.thread_id).toMatch(/\S/);
      expect(t.errors).toEqual([]);
      expect(m.log.map((e) => [e.role, e.worker, e.step, e.status])).toEqual([['REPRO_BUILDER', 'w1', 0, 200]]);
    });
  });

  test('(b) an exec step runs in the sandbox, then the message; usage sums both requests', async () => {
    await withScriptedModel(SCENARIO, async (m) => {
      const run = await codexExec(m, 'w2', { sandbox: 'workspace-write' });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(await readFile(join(cwd, 'marker.txt'), 'utf8')).toBe('hi\n');
      expect(await readFile(join(cwd, 'out.txt'), 'utf8')).toBe('wrote it');
      const t = summarizeTelemetry(run.stdout);
      expect(t.commands_run).toBe(1);
      // codex adds up every response of a turn: two requests, one turn
      expect(t.usage).toEqual({ input_tokens: 3000, cached_input_tokens: 600, output_tokens: 800, turns: 1 });
      expect(m.log.map((e) => [e.step, e.reply])).toEqual([
        [0, 'exec'],
        [1, 'message'],
      ]);

      const rendered = run.stdout
        .split('\n')
        .map(renderEvent)
        .filter((l): l is string => l !== null && l !== '');
      expect(rendered[0]).toBe(`thread ${t.thread_id}`);
      expect(rendered).toContain('turn started');
      expect(rendered).toContainEqual(expect.stringMatching(/^\$ .*echo hi > marker\.txt.* → exit 0$/));
      expect(rendered).toContain('agent: wrote it');
      expect(rendered.at(-1)).toBe('turn completed: 3000 input tokens (600 cached), 800 output');
      expect(rendered.some((l) => l.includes('item.started') || l.startsWith('{'))).toBe(false);
    });
  });

  test('(c) a hanging entry keeps codex waiting', async () => {
    await withScriptedModel(SCENARIO, async (m) => {
      let pid = 0;
      const running = codexExec(m, 'w3', { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
      // However long codex takes to start on a busy machine: once its request has reached the model, it waits.
      const deadline = Date.now() + 45_000;
      while (m.log.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(pid > 0 && alive(pid), 'codex still waiting 1.5 s after its request').toBe(true);
      killGroup(pid);
      const run = await running;
      expect(run.exitCode).toBeNull();
      expect(m.log.map((e) => e.reply)).toEqual(['hang']);
      expect(existsSync(join(cwd, 'out.txt')) ? await readFile(join(cwd, 'out.txt'), 'utf8') : '').toBe('');
    });
  });

  test('(e) a workspace-write agent (a fixer) writes its worktree and its own TMPDIR, but neither /tmp nor another worktree there', {
    timeout: 90_000,
  }, async () => {
    const other = await mkdtemp(join(tmpdir(), 'mm-codex-other-worktree-'));
    const scratch = await mkdtemp(join(tmpdir(), 'mm-codex-agent-tmp-'));
    const stray = join(tmpdir(), `mm-codex-stray-${process.pid}-${Date.now()}.txt`);
    const attempt = [
      'echo mine > in-worktree.txt',
      `echo tampered > ${other}/planted.py`,
      `echo tampered > ${stray}`,
      'echo "$TMPDIR" > tmpdir.txt',
      'python3 -c "import tempfile; print(tempfile.mkstemp()[1])" >> tmpdir.txt',
      'echo done',
    ].join('; ');
    const scenario: ScenarioInput = {
      agents: [{ role: 'FIXER', worker: 'w5', steps: [{ exec: attempt }, { message: 'tried' }] }],
    };
    try {
      await withScriptedModel(scenario, async (m) => {
        const c = buildCodexArgs({
          config: buildConfig({ codex: { command: CODEX_BIN } }, { file: null, env: {}, cwd, overrides: {} }),
          model: 'scripted',
          worktree: cwd,
          outputFile: join(cwd, 'out.txt'),
          sandbox: 'workspace-write',
          tmpDir: scratch,
        });
        const run = await runCodex({
          args: [...c.args, ...m.codexArgs],
          stdin: 'ROLE: FIXER\nWORKER: w5\nFix the bug.\n',
          cwd,
          env: { ...home.env, ...c.env },
          timeoutMs: 60_000,
        });
        expect(run.exitCode, run.stderr).toBe(0);
        // The command really ran (in codex's own bubblewrap sandbox), and its writes outside were refused.
        const t = summarizeTelemetry(run.stdout);
        expect(t.commands_run).toBe(1);
        expect(run.stdout).toMatch(/planted\.py: Read-only file system/);
        expect(await readFile(join(cwd, 'in-worktree.txt'), 'utf8')).toBe('mine\n');
        expect(existsSync(join(other, 'planted.py'))).toBe(false);
        expect(existsSync(stray)).toBe(false);
        // Temporary files go to the agent's own folder.
        const [tmpEnv, made] = (await readFile(join(cwd, 'tmpdir.txt'), 'utf8')).trim().split('\n');
        expect(tmpEnv).toBe(scratch);
        expect(made?.startsWith(`${scratch}/`)).toBe(true);
      });
    } finally {
      await rm(stray, { force: true });
      await rm(other, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    }
  });

  test('(d) an unknown worker gets a 400, which codex does not retry', async () => {
    await withScriptedModel(SCENARIO, async (m) => {
      const run = await codexExec(m, 'w9', { timeoutMs: 20_000 });
      expect(run.timedOut).toBe(false);
      expect(run.exitCode).toBe(1);
      expect(m.log.map((e) => [e.role, e.worker, e.status])).toEqual([['REPRO_BUILDER', 'w9', 400]]);
      const t = summarizeTelemetry(run.stdout);
      expect(t.errors.join('\n')).toContain('no scenario entry for role=REPRO_BUILDER worker=w9');
      expect(t.usage.turns).toBe(0);
    });
  });
});

test('startScriptedModel validates the scenario it is given', async () => {
  await expect(startScriptedModel({ scenario: { agents: [{ role: 'R' }] } as never })).rejects.toThrow(/agents\[0\]\.worker/);
});
