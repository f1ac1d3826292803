// The scripted model's scenario: its file format, loading it, and which reply it gives to a request.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FOLLOWUP_HEADER } from './prompts';

const count = (what: string) =>
  z
    .number({ error: `expected ${what} (a whole number >= 0)` })
    .int({ error: `expected ${what} (a whole number >= 0)` })
    .min(0, {
      error: `expected ${what} (a whole number >= 0)`,
    });

export const ScenarioUsage = z
  .object({
    input_tokens: count('a token count'),
    cached_input_tokens: count('a token count').default(0),
    output_tokens: count('a token count'),
    reasoning_output_tokens: count('a token count').default(0),
  })
  .strict();
export type ScenarioUsage = z.infer<typeof ScenarioUsage>;

export const ScenarioStep = z.union(
  [
    z.object({ exec: z.string().min(1, { error: 'expected a non-empty shell command' }) }).strict(),
    z.object({ message: z.string({ error: 'expected a string (the final answer text)' }) }).strict(),
  ],
  { error: 'expected a step: {"exec": "<shell command>"} or {"message": "<final answer text>"}' },
);
export type ScenarioStep = z.infer<typeof ScenarioStep>;

/**
 * A scripted follow-up: when a resumed thread's latest user message (a person's follow-up) matches
 * `match` (a regular expression), the entry answers with these steps instead.
 */
export const ScenarioFollowup = z
  .object({
    match: z.string().refine(
      (m) => {
        try {
          new RegExp(m);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'expected a valid regular expression' },
    ),
    delay_ms: count('a delay in milliseconds').max(600_000, { error: 'delay_ms: at most 600000' }).optional(),
    usage: ScenarioUsage.optional(),
    steps: z.array(ScenarioStep).min(1, { error: 'a follow-up needs at least one step' }),
  })
  .strict();
export type ScenarioFollowup = z.infer<typeof ScenarioFollowup>;

export const ScenarioEntry = z
  .object({
    role: z.string().regex(/^\S+$/, { error: 'expected a role name without spaces, e.g. "REPRO_BUILDER"' }),
    worker: z.string().regex(/^\S+$/, { error: 'expected a worker id without spaces, e.g. "w1" or "manager"' }),
    delay_ms: count('a delay in milliseconds').max(600_000, { error: 'delay_ms: at most 600000' }).optional(),
    usage: ScenarioUsage.optional(),
    hang: z.boolean({ error: 'expected true or false' }).optional(),
    steps: z.array(ScenarioStep).optional(),
    followups: z.array(ScenarioFollowup).optional(),
  })
  .strict()
  .refine((e) => e.hang === true || (e.steps?.length ?? 0) > 0, {
    error: 'an entry needs "steps" (at least one) or "hang": true',
  });
export type ScenarioEntry = z.infer<typeof ScenarioEntry>;

export const Scenario = z
  .object({
    description: z.string().optional(),
    usage: ScenarioUsage.optional(),
    agents: z.array(ScenarioEntry, { error: 'expected "agents": a list of entries' }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.agents.forEach((e, i) => {
      const key = `${e.role}\u0000${e.worker}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i],
          message: `duplicate entry for role=${e.role} worker=${e.worker} (already agents[${first}])`,
        });
      } else seen.set(key, i);
    });
  });
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

export const DEFAULT_USAGE: ScenarioUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
};

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** Validates a parsed scenario; `source` names the file (or whatever it came from) in errors. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const r = Scenario.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 10).map((i) => `  ${issuePath(i.path)}: ${i.message}`);
  const more = r.error.issues.length > 10 ? `\n  ... and ${r.error.issues.length - 10} more` : '';
  throw new ScenarioError(`${source}: invalid scenario:\n${lines.join('\n')}${more}`);
}

/** Reads and validates a scenario file. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`scenario ${file}: cannot read it (${(e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`scenario ${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseScenario(value, `scenario ${file}`);
}

// ---- deciding a reply (pure) ----

export interface AgentIdentity {
  role: string | null;
  worker: string | null;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) =>
      p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '',
    )
    .join('\n');
}

function isUserMessage(item: unknown): item is { content?: unknown } {
  if (!item || typeof item !== 'object') return false;
  const it = item as { type?: unknown; role?: unknown };
  return it.role === 'user' && (it.type === undefined || it.type === 'message');
}

const ROLE_LINE = /^[ \t]*ROLE:[ \t]*(\S+)[ \t]*$/m;
const WORKER_LINE = /^[ \t]*WORKER:[ \t]*(\S+)[ \t]*$/m;

/** The first `ROLE:` and first `WORKER:` lines over the user messages of `input`, in order. */
export function identifyAgent(input: unknown): AgentIdentity {
  const id: AgentIdentity = { role: null, worker: null };
  if (typeof input === 'string') input = [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return id;
  for (const item of input) {
    if (!isUserMessage(item)) continue;
    const text = textOf(item.content);
    id.role ??= ROLE_LINE.exec(text)?.[1] ?? null;
    id.worker ??= WORKER_LINE.exec(text)?.[1] ?? null;
    if (id.role && id.worker) break;
  }
  return id;
}

/** The step index of a request: the number of tool outputs in the conversation (after index `from`). */
export function stepIndex(input: unknown, from = 0): number {
  if (!Array.isArray(input)) return 0;
  return input.slice(from).filter((i) => i && typeof i === 'object' && (i as { type?: unknown }).type === 'function_call_output')
    .length;
}

/**
 * A person's follow-up in a request: the latest user message, when it holds FOLLOWUP_HEADER (the
 * text after it), or when an earlier user message holds the agent's prompt (a resumed thread).
 * Null for a first turn.
 */
export function latestFollowup(input: unknown): { text: string; index: number } | null {
  if (!Array.isArray(input)) return null;
  let prompt = -1;
  let last = -1;
  input.forEach((item, i) => {
    if (!isUserMessage(item)) return;
    if (prompt < 0 && ROLE_LINE.test(textOf(item.content))) prompt = i;
    last = i;
  });
  if (last < 0) return null;
  const text = textOf((input[last] as { content?: unknown }).content);
  const at = text.indexOf(FOLLOWUP_HEADER);
  if (at >= 0) return { text: text.slice(at + FOLLOWUP_HEADER.length), index: last };
  if (prompt < 0 || last <= prompt) return null;
  return { text, index: last };
}

export type Reply =
  | { kind: 'error'; status: number; message: string }
  | { kind: 'hang'; delayMs: number }
  | { kind: 'exec'; command: string; usage: ScenarioUsage; delayMs: number }
  | { kind: 'message'; text: string; usage: ScenarioUsage; delayMs: number; repeated: boolean };

export interface ReplyPlan extends AgentIdentity {
  step: number;
  reply: Reply;
}

/** What the scenario answers to a Responses API request body (already parsed JSON). */
export function planReply(scenario: Scenario, body: unknown): ReplyPlan {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return {
      role: null,
      worker: null,
      step: 0,
      reply: { kind: 'error', status: 400, message: 'scripted model: the request body must be a JSON object' },
    };
  }
  const input = (body as { input?: unknown }).input;
  const { role, worker } = identifyAgent(input);
  const followup = latestFollowup(input);
  const step = stepIndex(input, followup ? followup.index : 0);
  const base = { role, worker, step };
  const found = scenario.agents.find((e) => e.role === role && e.worker === worker);
  if (!found) {
    const hint = role && worker ? '' : ' (the prompt needs "ROLE: <role>" and "WORKER: <id>" lines)';
    return {
      ...base,
      reply: {
        kind: 'error',
        status: 400,
        message: `scripted model: no scenario entry for role=${role ?? '?'} worker=${worker ?? '?'}${hint}`,
      },
    };
  }
  let entry: { delay_ms?: number; hang?: boolean; usage?: ScenarioUsage; steps?: ScenarioStep[] } = found;
  if (followup) {
    const f = found.followups?.find((x) => new RegExp(x.match).test(followup.text));
    if (!f) {
      return {
        ...base,
        reply: {
          kind: 'error',
          status: 400,
          message: `scripted model: role=${role} worker=${worker} got a follow-up no entry of "followups" matches: ${JSON.stringify(followup.text.slice(0, 200))}`,
        },
      };
    }
    entry = { ...f, usage: f.usage ?? found.usage };
  }
  const delayMs = entry.delay_ms ?? 0;
  if (entry.hang) return { ...base, reply: { kind: 'hang', delayMs } };
  const usage = entry.usage ?? scenario.usage ?? DEFAULT_USAGE;
  const steps = entry.steps ?? [];
  const s = steps[step];
  if (s) {
    return 'exec' in s
      ? { ...base, reply: { kind: 'exec', command: s.exec, usage, delayMs } }
      : { ...base, reply: { kind: 'message', text: s.message, usage, delayMs, repeated: false } };
  }
  const last = [...steps].reverse().find((x): x is { message: string } => 'message' in x);
  if (last) return { ...base, reply: { kind: 'message', text: last.message, usage, delayMs, repeated: true } };
  return {
    ...base,
    reply: {
      kind: 'error',
      status: 400,
      message: `scripted model: role=${role} worker=${worker} asked for step ${step}, but the entry has ${steps.length} step(s) and no "message" step to repeat`,
    },
  };
}
