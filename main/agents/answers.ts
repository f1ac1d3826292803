// Parses an agent's final message into its role's answer (untrusted text: plain JSON, fenced, or inside prose).
import type { z } from 'zod';
import {
  ANSWER_SCHEMAS,
  type AgentRole,
  type FixAnswer,
  type ReducerAnswer,
  type ReproAnswer,
  type TriageAnswer,
} from '../../common/agentAnswers';

export interface AnswerByRole {
  REPRO_BUILDER: ReproAnswer;
  TRIAGER: TriageAnswer;
  REDUCER: ReducerAnswer;
  FIXER: FixAnswer;
}

export type AnswerParseErrorKind = 'empty' | 'no-json' | 'invalid-json' | 'schema';

export class AnswerParseError extends Error {
  constructor(
    readonly kind: AnswerParseErrorKind,
    readonly invocation: string,
    message: string,
    /** The text examined (capped at MAX_ANSWER_CHARS). */
    readonly raw: string,
  ) {
    super(message);
    this.name = 'AnswerParseError';
  }
}

export type AnswerResult<R extends AgentRole> = { ok: true; value: AnswerByRole[R] } | { ok: false; error: AnswerParseError };

/** Text beyond this is not examined (an answer is far smaller; this bounds the work on hostile output). */
export const MAX_ANSWER_CHARS = 1_000_000;
/** Bound on the JSON candidates tried. */
const MAX_CANDIDATES = 200;
/** Bound on looking inside `{...}` spans that do not parse. */
const MAX_RESCANS = 20;
/** Looks like the start of a JSON value rather than braces in prose. */
const JSONISH = /^(\{\s*("|\})|\[)/;

/** Balanced `{...}` spans in text[from, to), string-aware inside braces; prose quotes outside are ignored. */
export function objectSpans(text: string, from = 0, to = text.length): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let budget = 16 * (to - from) + 1024; // characters scanned: keeps many unbalanced braces from costing O(n²)
  let i = from;
  while (i < to && budget > 0) {
    const start = text.indexOf('{', i);
    if (start < 0 || start >= to) break;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let j = start; j < to && budget-- > 0; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = j + 1;
        break;
      }
    }
    if (end < 0) {
      i = start + 1; // unbalanced: perhaps a stray brace in prose; try the next one
      continue;
    }
    spans.push([start, end]);
    i = end;
  }
  return spans;
}

const FENCE = /```[^\n`]*\n([\s\S]*?)```/g;

/** Candidate JSON texts, most likely first: the whole text, fenced blocks, then `{...}` spans (and spans inside spans that do not parse). */
export function jsonCandidates(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (c: string) => {
    const t = c.trim();
    if (t && !seen.has(t) && out.length < MAX_CANDIDATES) {
      seen.add(t);
      out.push(t);
    }
  };
  add(text);
  for (const m of text.matchAll(FENCE)) add(m[1] ?? '');
  const queue = objectSpans(text);
  let rescans = MAX_RESCANS;
  for (let next = queue.shift(); next && out.length < MAX_CANDIDATES; next = queue.shift()) {
    const [s, e] = next;
    const piece = text.slice(s, e);
    add(piece);
    if (rescans > 0 && !parses(piece)) {
      rescans--;
      queue.push(...objectSpans(text, s + 1, e - 1));
    }
  }
  return out;
}

function parses(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  return lines.join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '');
}

/** Parses the final message of `invocation` (a `role` agent) into its answer. Never throws. */
export function parseAgentAnswer<R extends AgentRole>(role: R, raw: string, invocation: string): AnswerResult<R> {
  const text = raw.length > MAX_ANSWER_CHARS ? raw.slice(0, MAX_ANSWER_CHARS) : raw;
  const fail = (kind: AnswerParseErrorKind, what: string): AnswerResult<R> => ({
    ok: false,
    error: new AnswerParseError(kind, invocation, `agent answer of ${invocation} (${role}): ${what}`, text),
  });
  if (!text.trim()) return fail('empty', 'the final message is empty (the agent gave no answer; see its telemetry for why)');

  const schema = ANSWER_SCHEMAS[role] as unknown as z.ZodType<AnswerByRole[R]>;
  let firstSchemaError: z.ZodError | null = null;
  let firstJsonError: string | null = null;
  for (const candidate of jsonCandidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch (e) {
      if (JSONISH.test(candidate)) firstJsonError ??= (e as Error).message;
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const r = schema.safeParse(value);
    if (r.success) return { ok: true, value: r.data };
    firstSchemaError ??= r.error;
  }
  if (firstSchemaError) return fail('schema', `the JSON does not match the ${role} answer: ${describeIssues(firstSchemaError)}`);
  if (firstJsonError) return fail('invalid-json', `the JSON in the final message does not parse (${firstJsonError})`);
  return fail('no-json', `no JSON object in the final message (${text.length} characters of text)`);
}
