// Schemas of the status server's API (bodies, queries, responses, terminal and SSE messages), shared with the renderer.
import { z } from 'zod';
import { ARTIFACT_NAMES, FixRecord, FixSummaryFile, RunId, WorkerId } from './artifacts';
import { RunEvent } from './events';

export { ARTIFACT_NAMES };
import { issueSourceProblem } from './runRequest';

/** The API's names of the issue sources (the rule itself is common/runRequest.ts issueSourceProblem). */
const API_SOURCE_NAMES = { url: 'issue_url', file: 'issue_file', text: 'issue_text' };

export { RunId, WorkerId };

/** Largest request body the server reads (bytes); more gets 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Largest text typed into a session by POST /api/runs/<id>/send. */
export const MAX_SEND_CHARS = 4000;
export const MIN_STATUS_LINES = 10;
export const MAX_STATUS_LINES = 500;

// ---------- errors ----------

export const ApiError = z.object({ error: z.string() }).passthrough();
export type ApiError = z.infer<typeof ApiError>;

// ---------- GET /health, GET /api/config ----------

export const HealthResponse = z.object({ ok: z.literal(true) });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const ConfigResponse = z.object({
  defaults: z.object({
    repo_path: z.string(),
    runs_root: z.string(),
    workers: z.number().int(),
    /** Fix workers after triage (0: the fix phase is off). Optional: servers before the fix phase lack it. */
    fix_workers: z.number().int().optional(),
    timeout_sec: z.number().int(),
    worker_model: z.string(),
    manager_model: z.string(),
    repro_validation_runs: z.number().int(),
    repro_min_matches: z.number().int(),
  }),
});
export type ConfigResponse = z.infer<typeof ConfigResponse>;

// ---------- GET /api/runs ----------

/** `crashed` (addition): no decision, and its manager is gone (killed, or it failed); stop it to clean up. */
export const RunState = z.enum(['running', 'done', 'stopped', 'crashed', 'unknown']);
export type RunState = z.infer<typeof RunState>;

export const RunListItem = z.object({
  run_id: z.string(),
  run_state: RunState,
  issue_title: z.string().nullable(),
  issue_url: z.string().nullable(),
  started_at: z.string().nullable(),
  /** ok | needs-human | stopped | failed, or running while no decision exists. */
  decision_status: z.string(),
});
export type RunListItem = z.infer<typeof RunListItem>;

export const RunsResponse = z.object({
  /** Run ids in name order, the Python prototype's (generated ids sort by start time, oldest first). Eval runs' folders are not listed. */
  runs: z.array(z.string()),
  count: z.number().int(),
  /** One line per run, in the same order as `runs` (addition). */
  items: z.array(RunListItem),
});
export type RunsResponse = z.infer<typeof RunsResponse>;

// ---------- GET /api/runs/<id>/status ----------

/** `lines`: digits only; clamped to 10..500 by the server. */
export const StatusQuery = z.object({
  lines: z
    .string()
    .regex(/^\d{1,9}$/, 'lines: expected a whole number (clamped to 10..500)')
    .optional(),
});

export const WorkerStatusView = z.object({
  worker_id: z.string(),
  role: z.string(),
  status: z.string(),
  session_name: z.string(),
  session_exists: z.boolean(),
  worktree_path: z.string(),
  output_path: z.string(),
  script_path: z.string(),
  pane_tail: z.string(),
  phase: z.string(),
  invocation: z.string(),
  attempts: z.number().int(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  detail: z.string().nullable(),
});
export type WorkerStatusView = z.infer<typeof WorkerStatusView>;

export const RunStatusResponse = z.object({
  run_id: z.string(),
  run_state: RunState,
  manager: z.object({
    session_name: z.string(),
    session_exists: z.boolean(),
    pane_tail: z.string(),
    issue_url: z.string().nullable(),
  }),
  workers: z.array(WorkerStatusView),
  summary: z.object({
    total: z.number().int(),
    active: z.number().int(),
    finished: z.number().int(),
    failed: z.number().int(),
    timeout: z.number().int(),
    unknown: z.number().int(),
    /** Workers ended by a stop (addition: the Python prototype had no such status). */
    stopped: z.number().int(),
  }),
  decision: z.object({ status: z.string() }).passthrough(),
  run_done: z.record(z.string(), z.unknown()),
});
export type RunStatusResponse = z.infer<typeof RunStatusResponse>;

// ---------- POST /api/runs ----------

const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/])/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;
const absolutePath = (field: string) =>
  z
    .string({ error: `${field}: expected a string (an absolute path)` })
    .min(1, `${field}: must not be empty`)
    .max(4096, `${field}: too long (4096 characters at most)`)
    .refine((s) => ABSOLUTE_PATH.test(s), `${field}: expected an absolute path (starting with "/")`)
    .refine((s) => !s.includes('\0'), `${field}: must not contain NUL`);
const modelName = (field: string) =>
  z
    .string({ error: `${field}: expected a string` })
    .regex(MODEL_NAME, `${field}: expected a model name such as "gpt-5" (letters, digits, . _ : / @ + -)`);

export const StartRunRequest = z
  .object({
    issue_url: z
      .string({ error: 'issue_url: expected a string' })
      .max(2000, 'issue_url: too long')
      .regex(
        /^https?:\/\/[^\s/?#]+\/[^\s/?#]+\/[^\s/?#]+\/issues\/[1-9]\d*\/?(?:[?#]\S*)?$/,
        'issue_url: expected the URL of an issue, such as https://github.com/<owner>/<repo>/issues/<number> (a pull request or another page is not an issue)',
      )
      .optional(),
    issue_text: z
      .string({ error: 'issue_text: expected a string' })
      .min(1, 'issue_text: must not be empty')
      .max(500_000, 'issue_text: too long')
      .optional(),
    issue_file: absolutePath('issue_file').optional(),
    repo_path: absolutePath('repo_path'),
    workers: z
      .number({ error: 'workers: expected an integer 1..6' })
      .int('workers: expected an integer 1..6')
      .min(1, 'workers: expected an integer 1..6')
      .max(6, 'workers: expected an integer 1..6')
      .optional(),
    fix_workers: z
      .number({ error: 'fix_workers: expected an integer 0..6 (0 turns the fix phase off)' })
      .int('fix_workers: expected an integer 0..6 (0 turns the fix phase off)')
      .min(0, 'fix_workers: expected an integer 0..6 (0 turns the fix phase off)')
      .max(6, 'fix_workers: expected an integer 0..6 (0 turns the fix phase off)')
      .optional(),
    timeout_sec: z
      .number({ error: 'timeout_sec: expected an integer of at least 60' })
      .int('timeout_sec: expected an integer of at least 60')
      .min(60, 'timeout_sec: expected an integer of at least 60')
      .max(86_400, 'timeout_sec: at most 86400 (one day)')
      .optional(),
    worker_model: modelName('worker_model').optional(),
    manager_model: modelName('manager_model').optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const problem = issueSourceProblem({ url: b.issue_url, file: b.issue_file, text: b.issue_text }, API_SOURCE_NAMES);
    if (!problem) return;
    const given = (['issue_url', 'issue_text', 'issue_file'] as const).filter((k) => b[k] !== undefined);
    ctx.addIssue({ code: 'custom', path: given.length ? [given[1] ?? given[0]!] : [], message: problem });
  });
export type StartRunRequest = z.infer<typeof StartRunRequest>;

export const StartRunResponse = z.object({ run_id: z.string(), run_done: z.string(), manager_session: z.string() });
export type StartRunResponse = z.infer<typeof StartRunResponse>;

// ---------- POST /api/runs/<id>/stop, /send ----------

export const StopResponse = z.object({
  run_id: z.string(),
  status: z.literal('stopped'),
  /** Only when the run had already finished: its decision's status (nothing was stopped; leftovers were cleaned up). */
  already_finished: z.string().optional(),
});
export type StopResponse = z.infer<typeof StopResponse>;

export const SendRequest = z
  .object({
    worker: WorkerId,
    text: z
      .string({ error: 'text: expected a string' })
      .max(MAX_SEND_CHARS, `text: ${MAX_SEND_CHARS} characters at most`)
      .refine(
        (s) => !/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.test(s),
        'text: control characters are not allowed (tab is, C1 controls U+0080-U+009F are not)',
      ),
  })
  .strict();
export type SendRequest = z.infer<typeof SendRequest>;

/** `delivered`: the worker's agent takes the text as a follow-up turn, or the manager as a command (an addition). */
export const SendResponse = z.object({
  run_id: z.string(),
  worker: z.string(),
  sent: z.literal(true),
  delivered: z.enum(['followup', 'command']),
});
export type SendResponse = z.infer<typeof SendResponse>;

// ---------- GET /api/runs/<id>/artifacts/<name> ----------

export const ArtifactName = z.enum(ARTIFACT_NAMES, { error: `artifact: expected one of ${ARTIFACT_NAMES.join(', ')}` });
export type ArtifactName = z.infer<typeof ArtifactName>;

/** `candidates`: every repro/candidates/<worker>.json (CandidateFile), by worker id. */
export const CandidatesResponse = z.object({ candidates: z.array(z.record(z.string(), z.unknown())) });
export type CandidatesResponse = z.infer<typeof CandidatesResponse>;

export const MinimalReproResponse = z.object({ path: z.string(), ext: z.string(), script: z.string() });

/**
 * GET .../artifacts/fixes: every fix with its patch text (fix/<id>.json + fix/<id>.patch), best first
 * once verified, and fix/summary.json (null while the fixes are still being verified).
 */
export const FixesResponse = z.object({
  summary: FixSummaryFile.nullable(),
  fixes: z.array(FixRecord.extend({ patch: z.string().nullable() })),
});
export type FixesResponse = z.infer<typeof FixesResponse>;
export type MinimalReproResponse = z.infer<typeof MinimalReproResponse>;

export const InvocationTelemetry = z.object({
  invocation: z.string(),
  usage: z.object({ input_tokens: z.number(), cached_input_tokens: z.number(), output_tokens: z.number(), turns: z.number() }),
  thread_id: z.string().nullable(),
  commands_run: z.number().int(),
  /** ms since the epoch of the last event seen (the telemetry file's mtime), or null. */
  last_event_at: z.number().nullable(),
  errors: z.array(z.string()),
});
export type InvocationTelemetry = z.infer<typeof InvocationTelemetry>;

export const TelemetryResponse = z.object({ invocations: z.array(InvocationTelemetry) });
export type TelemetryResponse = z.infer<typeof TelemetryResponse>;

// ---------- GET /api/runs/<id>/events (server-sent events) ----------

/** The SSE event name of every run event; the data is one events.jsonl line. */
export const SSE_EVENT_NAME = 'run-event';
export const EventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'after: expected a byte offset (a whole number)')
    .optional(),
});
export const LastEventId = z.string().regex(/^\d{1,15}$/, 'Last-Event-ID: expected a byte offset (a whole number)');
export { RunEvent };

// ---------- WebSocket /api/runs/<id>/terminal/<worker|manager> ----------

export const TerminalMode = z.enum(['rw', 'ro'], { error: 'mode: expected rw or ro' });
export type TerminalMode = z.infer<typeof TerminalMode>;

const dimension = (field: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, `${field}: expected a whole number`)
    .transform(Number)
    .refine((n) => n >= 2 && n <= max, `${field}: expected 2..${max}`);

export const TerminalQuery = z.object({
  mode: TerminalMode.default('ro'),
  cols: dimension('cols', 1000).default(80),
  rows: dimension('rows', 500).default(24),
});
export type TerminalQuery = z.infer<typeof TerminalQuery>;

export const MAX_TERMINAL_INPUT = 64 * 1024;

export const TerminalClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(MAX_TERMINAL_INPUT) }),
  z.object({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) }),
  z.object({ type: z.literal('ack'), bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type TerminalClientMessage = z.infer<typeof TerminalClientMessage>;

export const TerminalServerMessage = z.discriminatedUnion('type', [
  /** cols/rows: a read-only viewer's size, which is the window's own (it never resizes the window). */
  z.object({
    type: z.literal('ready'),
    session: z.string(),
    cols: z.number().int().optional(),
    rows: z.number().int().optional(),
  }),
  /** Read-only viewers: the window changed size (another client resized it); show it at this size. */
  z.object({ type: z.literal('size'), cols: z.number().int(), rows: z.number().int() }),
  z.object({ type: z.literal('ended'), message: z.string(), pane_tail: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof TerminalServerMessage>;
