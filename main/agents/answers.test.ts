import { expect, test } from 'vitest';
import { MAX_ANSWER_CHARS, parseAgentAnswer } from './answers';

const repro = {
  candidate_id: 'w1-c1',
  script: 'import statsmini\nstatsmini.median([])\n',
  setup_commands: [],
  oracle_command: 'python {repro_file}',
  claimed_failure_signature: 'IndexError: list index out of range',
  file_extension: '.py',
};
const triage = {
  hypotheses: [
    {
      hypothesis_id: 'h1',
      mechanism: 'median indexes an empty list {no guard}',
      evidence: [{ file: 'statsmini/core.py', line: 12, snippet: 'return xs[len(xs) // 2]' }],
      confidence: 0.8,
      disconfirming_checks: ['call median([1])'],
    },
  ],
};

test('plain JSON', () => {
  expect(parseAgentAnswer('REPRO_BUILDER', JSON.stringify(repro), 'w1-repro-1')).toEqual({ ok: true, value: repro });
});

test('JSON in a fence, with or without a language', () => {
  const fenced = `Here you go:\n\`\`\`json\n${JSON.stringify(triage, null, 2)}\n\`\`\`\nDone.`;
  expect(parseAgentAnswer('TRIAGER', fenced, 'w1-triage')).toEqual({ ok: true, value: triage });
  expect(parseAgentAnswer('REDUCER', '```\n{"script": "x = 1"}\n```', 'manager-reducer')).toEqual({
    ok: true,
    value: { script: 'x = 1' },
  });
});

test('JSON embedded in prose, braces and quotes inside strings, decoys before it', () => {
  const text = `I looked at "core.py" (the {weird} part) and {"note": "not it"}. Answer: ${JSON.stringify({
    script: 'def f():\n    return {"a": "}"}\nprint(f(), "{")',
  })} -- that's all, don't worry.`;
  expect(parseAgentAnswer('REDUCER', text, 'manager-reducer')).toEqual({
    ok: true,
    value: { script: 'def f():\n    return {"a": "}"}\nprint(f(), "{")' },
  });
});

test('an answer inside a wrapper object that does not parse is still found', () => {
  const text = `{ answer follows: ${JSON.stringify(repro)} }`;
  expect(parseAgentAnswer('REPRO_BUILDER', text, 'w2-repro')).toMatchObject({ ok: true, value: { candidate_id: 'w1-c1' } });
});

test('invalid JSON', () => {
  const r = parseAgentAnswer('REDUCER', 'Result: {"script": "x = 1",}', 'manager-reducer');
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.kind).toBe('invalid-json');
  expect(r.error.invocation).toBe('manager-reducer');
  expect(r.error.message).toMatch(/^agent answer of manager-reducer \(REDUCER\): the JSON in the final message does not parse/);
  expect(r.error.raw).toBe('Result: {"script": "x = 1",}');
});

test('schema violation names the field', () => {
  const bad = { hypotheses: [{ ...triage.hypotheses[0], confidence: 2 }] };
  const r = parseAgentAnswer('TRIAGER', JSON.stringify(bad), 'w2-triage');
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.kind).toBe('schema');
  expect(r.error.message).toMatch(/w2-triage.*hypotheses\.0\.confidence/);
});

test('prefers the candidate that validates', () => {
  const text = `${JSON.stringify({ script: 'wrong role' })}\n${JSON.stringify(repro)}`;
  expect(parseAgentAnswer('REPRO_BUILDER', text, 'w1')).toMatchObject({ ok: true, value: { candidate_id: 'w1-c1' } });
});

test('empty and prose-only answers', () => {
  const empty = parseAgentAnswer('REDUCER', '  \n ', 'w1');
  expect(!empty.ok && empty.error.kind).toBe('empty');
  const prose = parseAgentAnswer('REDUCER', 'I could not reproduce it, sorry {maybe later}.', 'w1');
  expect(!prose.ok && prose.error.kind).toBe('no-json');
});

test('bounds the text it examines', () => {
  const huge = `${'{'.repeat(MAX_ANSWER_CHARS)}${JSON.stringify({ script: 'x' })}`;
  const t0 = Date.now();
  const r = parseAgentAnswer('REDUCER', huge, 'w1');
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.raw.length).toBe(MAX_ANSWER_CHARS);
  expect(Date.now() - t0).toBeLessThan(20_000); // generous: only guards against quadratic blow-up
});
