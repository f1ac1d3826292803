import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { identifyAgent, loadScenario, parseScenario, planReply, ScenarioError, stepIndex, type ScenarioInput } from './scenario';

const user = (content: unknown) => ({ type: 'message', role: 'user', content });
const developer = (text: string) => ({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
const toolOutput = { type: 'function_call_output', call_id: 'c', output: 'ok' };

describe('identifyAgent', () => {
  test('reads ROLE/WORKER from string content', () => {
    expect(identifyAgent([user('ROLE: TRIAGER\nWORKER: w2\nfind the bug')])).toEqual({ role: 'TRIAGER', worker: 'w2' });
  });

  test('reads array content and searches every user message', () => {
    const input = [
      user([{ type: 'input_text', text: '<environment_context>\n<cwd>/x</cwd>\n</environment_context>' }]),
      user([
        { type: 'input_text', text: 'intro' },
        { type: 'input_text', text: '  ROLE: REDUCER  \nWORKER: manager' },
      ]),
    ];
    expect(identifyAgent(input)).toEqual({ role: 'REDUCER', worker: 'manager' });
  });

  test('ignores developer messages and lets the first ROLE/WORKER lines win', () => {
    const input = [
      developer('ROLE: EVIL\nWORKER: w9'),
      user('ROLE: REPRO_BUILDER\nsomething'),
      user('WORKER: w1\nROLE: TRIAGER'),
      user('WORKER: w3'),
    ];
    expect(identifyAgent(input)).toEqual({ role: 'REPRO_BUILDER', worker: 'w1' });
  });

  test('requires the marker at the start of a line', () => {
    expect(identifyAgent([user('the ROLE: X mentioned\nWORKER:w1')])).toEqual({ role: null, worker: 'w1' });
    expect(identifyAgent('not a list')).toEqual({ role: null, worker: null });
  });
});

test('stepIndex counts function_call_output items only', () => {
  expect(stepIndex([user('x')])).toBe(0);
  expect(stepIndex([user('x'), { type: 'function_call', call_id: 'c' }, toolOutput, { type: 'function_call' }, toolOutput])).toBe(
    2,
  );
  expect(stepIndex(undefined)).toBe(0);
});

describe('planReply', () => {
  const scenario = parseScenario({
    usage: { input_tokens: 10, output_tokens: 2 },
    agents: [
      {
        role: 'REPRO_BUILDER',
        worker: 'w1',
        delay_ms: 5,
        usage: { input_tokens: 1500, cached_input_tokens: 300, output_tokens: 400 },
        steps: [{ exec: 'ls' }, { message: 'done' }],
      },
      { role: 'TRIAGER', worker: 'w1', steps: [{ message: 'first' }, { exec: 'ls' }] },
      { role: 'REDUCER', worker: 'manager', steps: [{ exec: 'ls' }] },
      { role: 'REPRO_BUILDER', worker: 'w2', hang: true },
    ],
  } satisfies ScenarioInput);
  const req = (who: string, outputs = 0) => ({ input: [user(who), ...Array.from({ length: outputs }, () => toolOutput)] });

  test('plays steps by the number of tool outputs, with the entry usage', () => {
    const first = planReply(scenario, req('ROLE: REPRO_BUILDER\nWORKER: w1'));
    expect(first).toMatchObject({
      role: 'REPRO_BUILDER',
      worker: 'w1',
      step: 0,
      reply: { kind: 'exec', command: 'ls', delayMs: 5 },
    });
    expect(first.reply).toHaveProperty('usage', {
      input_tokens: 1500,
      cached_input_tokens: 300,
      output_tokens: 400,
      reasoning_output_tokens: 0,
    });
    expect(planReply(scenario, req('ROLE: REPRO_BUILDER\nWORKER: w1', 1)).reply).toMatchObject({
      kind: 'message',
      text: 'done',
      repeated: false,
    });
  });

  test('falls back to the top-level usage', () => {
    expect(planReply(scenario, req('ROLE: TRIAGER\nWORKER: w1')).reply).toMatchObject({
      kind: 'message',
      usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2 },
    });
  });

  test('repeats the last message step when steps run out, or fails without one', () => {
    expect(planReply(scenario, req('ROLE: TRIAGER\nWORKER: w1', 5)).reply).toMatchObject({
      kind: 'message',
      text: 'first',
      repeated: true,
    });
    const r = planReply(scenario, req('ROLE: REDUCER\nWORKER: manager', 1)).reply;
    expect(r).toMatchObject({ kind: 'error', status: 400 });
    expect(r.kind === 'error' && r.message).toMatch(/step 1.*1 step\(s\) and no "message" step/);
  });

  test('hangs for a hang entry', () => {
    expect(planReply(scenario, req('ROLE: REPRO_BUILDER\nWORKER: w2', 3)).reply.kind).toBe('hang');
  });

  test('answers 400 naming role and worker when nothing matches', () => {
    const r = planReply(scenario, req('ROLE: TRIAGER\nWORKER: w7')).reply;
    expect(r).toEqual({ kind: 'error', status: 400, message: 'scripted model: no scenario entry for role=TRIAGER worker=w7' });
    const anon = planReply(scenario, req('no markers')).reply;
    expect(anon.kind === 'error' && anon.message).toMatch(/role=\? worker=\?.*ROLE: <role>/);
    expect(planReply(scenario, 'junk').reply).toMatchObject({ kind: 'error', status: 400 });
  });
});

describe('loading', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-scenario-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('loads a valid file', async () => {
    const file = join(dir, 's.json');
    await writeFile(
      file,
      JSON.stringify({ agents: [{ role: 'REDUCER', worker: 'manager', steps: [{ message: '{"script": "x"}' }] }] }),
    );
    const s = await loadScenario(file);
    expect(s.agents[0]?.steps).toEqual([{ message: '{"script": "x"}' }]);
  });

  test('names the file and the bad field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        agents: [
          { role: 'R', worker: 'w1', steps: [{ exec: 'ls' }] },
          { role: 'R', worker: 'w2', delay_ms: -1, steps: [{ mesage: 'typo' }] },
        ],
      }),
    );
    const err = await loadScenario(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain('agents[1].delay_ms');
    expect(msg).toMatch(/agents\[1\]\.steps\[0\]: expected a step/);
  });

  test('rejects entries without steps, duplicates, unreadable and non-JSON files', async () => {
    expect(() => parseScenario({ agents: [{ role: 'R', worker: 'w1' }] })).toThrow(/agents\[0\]: an entry needs "steps"/);
    expect(() =>
      parseScenario({
        agents: [
          { role: 'R', worker: 'w1', hang: true },
          { role: 'R', worker: 'w1', hang: true },
        ],
      }),
    ).toThrow(/agents\[1\]: duplicate entry for role=R worker=w1 \(already agents\[0\]\)/);
    await expect(loadScenario(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read it/);
    await writeFile(join(dir, 'x.json'), '{nope');
    await expect(loadScenario(join(dir, 'x.json'))).rejects.toThrow(/x\.json: not valid JSON/);
  });
});

describe('follow-ups (a resumed thread)', () => {
  const scenario = parseScenario({
    agents: [
      {
        role: 'REPRO_BUILDER',
        worker: 'w1',
        usage: { input_tokens: 100, output_tokens: 10 },
        steps: [{ exec: 'ls' }, { message: 'first answer' }],
        followups: [
          {
            match: 'use an empty signal',
            usage: { input_tokens: 7, output_tokens: 1 },
            steps: [{ exec: 'cat x' }, { message: 'second answer' }],
          },
        ],
      },
    ],
  } satisfies ScenarioInput);
  const prompt = user([{ type: 'input_text', text: 'ROLE: REPRO_BUILDER\nWORKER: w1\nissue…' }]);
  const env = user('<environment_context>cwd</environment_context>');
  const firstTurn = [env, prompt, toolOutput, { type: 'message', role: 'assistant', content: 'first answer' }];

  test('the latest user message after the prompt is the follow-up; its steps count from it', () => {
    const msg = user('A person sends a follow-up: please use an empty signal');
    const a = planReply(scenario, { input: [...firstTurn, msg] });
    expect(a).toMatchObject({ role: 'REPRO_BUILDER', worker: 'w1', step: 0, reply: { kind: 'exec', command: 'cat x' } });
    expect(a.reply).toHaveProperty('usage', {
      input_tokens: 7,
      cached_input_tokens: 0,
      output_tokens: 1,
      reasoning_output_tokens: 0,
    });
    const b = planReply(scenario, { input: [...firstTurn, msg, toolOutput] });
    expect(b.reply).toMatchObject({ kind: 'message', text: 'second answer' });
  });

  test('a follow-up nothing matches is an error that quotes it; a first turn is not a follow-up', () => {
    const r = planReply(scenario, { input: [...firstTurn, user('something else')] });
    expect(r.reply).toMatchObject({ kind: 'error', status: 400 });
    expect((r.reply as { message: string }).message).toContain('"something else"');
    expect(planReply(scenario, { input: [env, prompt] }).reply).toMatchObject({ kind: 'exec', command: 'ls' });
  });

  test('a follow-up match must be a valid regular expression', () => {
    expect(() =>
      parseScenario({
        agents: [{ role: 'R', worker: 'w1', steps: [{ message: 'x' }], followups: [{ match: '(', steps: [{ message: 'y' }] }] }],
      }),
    ).toThrow(/valid regular expression/);
  });
});
