import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AGENT_ROLES } from '../../common/agentAnswers';
import { makeCodexHome, runCodex, type CodexHome } from '../../testkit/codexHome';
import { startTestModel } from '../../testkit/scriptedModel';
import { parseAgentAnswer } from './answers';
import { outputSchema, toStrictSchema, writeOutputSchema } from './outputSchemas';

type Schema = Record<string, any>;

/** Every object schema inside `s`. */
function objects(s: unknown, out: Schema[] = []): Schema[] {
  if (Array.isArray(s)) s.forEach((x) => objects(x, out));
  else if (s && typeof s === 'object') {
    const o = s as Schema;
    if (o.type === 'object') out.push(o);
    Object.values(o).forEach((v) => objects(v, out));
  }
  return out;
}

test('every role schema is strict: closed objects, all properties required, no unsupported keywords', () => {
  for (const role of AGENT_ROLES) {
    const s = outputSchema(role);
    const objs = objects(s);
    expect(objs.length).toBeGreaterThan(0);
    for (const o of objs) {
      expect(o.additionalProperties).toBe(false);
      expect([...o.required].sort()).toEqual(Object.keys(o.properties).sort());
    }
    const text = JSON.stringify(s);
    expect(text).not.toMatch(/"(minLength|maxLength|\$schema)"/);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
  }
  expect((outputSchema('TRIAGER') as Schema).properties.hypotheses.items.properties.confidence).toEqual({
    type: 'number',
    minimum: 0,
    maximum: 1,
  });
});

test('toStrictSchema closes open objects and requires optional properties', () => {
  expect(
    toStrictSchema({
      type: 'object',
      properties: { a: { type: 'string', minLength: 1 }, b: { type: 'integer' } },
      required: ['a'],
    }),
  ).toEqual({
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'integer' } },
    required: ['a', 'b'],
    additionalProperties: false,
  });
});

let dir: string;
let home: CodexHome;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-schemas-'));
  home = await makeCodexHome();
});
afterEach(async () => {
  await home.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('writeOutputSchema writes <role>.schema.json that the real codex accepts and forwards', async () => {
  const path = await writeOutputSchema('REDUCER', join(dir, 'schemas'));
  expect(path).toBe(join(dir, 'schemas', 'REDUCER.schema.json'));
  expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(outputSchema('REDUCER'));

  const bodies: any[] = [];
  const model = await startTestModel(
    { agents: [{ role: 'REDUCER', worker: 'manager', steps: [{ message: '{"script": "print(1)"}' }] }] },
    { onRequest: (b) => bodies.push(b) },
  );
  try {
    const out = join(dir, 'out.txt');
    const run = await runCodex({
      args: [
        'exec',
        '-',
        '--json',
        '-o',
        out,
        '--output-schema',
        path,
        '--skip-git-repo-check',
        '-s',
        'read-only',
        '-m',
        'scripted',
        ...model.codexArgs,
      ],
      stdin: 'ROLE: REDUCER\nWORKER: manager\nReduce it.\n',
      cwd: dir,
      env: home.env,
      timeoutMs: 30_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(parseAgentAnswer('REDUCER', await readFile(out, 'utf8'), 'manager-reducer')).toEqual({
      ok: true,
      value: { script: 'print(1)' },
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0].text.format).toMatchObject({ type: 'json_schema', strict: true, schema: outputSchema('REDUCER') });
  } finally {
    await model.close();
  }
});
