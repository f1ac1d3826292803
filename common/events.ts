// A run's events (events.jsonl): one tagged union, and for each type what it makes stale (status, artifacts, the runs list).
import { z } from 'zod';
import { ARTIFACT_NAMES, type ArtifactName } from './artifactNames';

export const PHASE_NAMES = ['preflight', 'issue', 'repro', 'validation', 'minimize', 'triage', 'fix'] as const;
export const PhaseName = z.enum(PHASE_NAMES);
export type PhaseName = z.infer<typeof PhaseName>;

const ts = z.string();
const worker = z.string();

/** Every event the manager (or a stop) writes, by `type`; fields are the event's own. */
export const RunEvent = z.discriminatedUnion('type', [
  z.object({
    ts,
    type: z.literal('run_started'),
    run_id: z.string(),
    repo_path: z.string(),
    workers: z.number(),
    issue: z.object({ url: z.string().optional(), file: z.string().optional(), text: z.string().optional() }).optional(),
  }),
  /** How the run's untrusted commands run (kind none: unsandboxed, say so loudly). */
  z.object({ ts, type: z.literal('sandbox'), kind: z.enum(['bwrap', 'none']), mode: z.string(), summary: z.string() }),
  z.object({ ts, type: z.literal('phase_started'), phase: z.string() }),
  z.object({ ts, type: z.literal('phase_finished'), phase: z.string(), seconds: z.number() }),
  /** issue.json is written. */
  z.object({ ts, type: z.literal('issue_read'), title: z.string(), notes: z.array(z.string()).optional() }),
  z.object({
    ts,
    type: z.literal('worker_status'),
    worker,
    role: z.string(),
    phase: z.string(),
    status: z.string(),
    detail: z.string().nullable(),
    invocation: z.string(),
  }),
  z.object({ ts, type: z.literal('worker_stalled'), worker, action: z.enum(['nudge', 'restart', 'fail']), idle_sec: z.number() }),
  /** A person sent a worker a follow-up (the text shortened), or a command to the manager. */
  z.object({
    ts,
    type: z.literal('followup'),
    worker,
    text: z.string(),
    delivered: z.enum(['followup', 'command']),
  }),
  z.object({ ts, type: z.literal('candidate_rejected'), worker, reason: z.string() }),
  z.object({
    ts,
    type: z.literal('candidate_validated'),
    worker,
    candidate_id: z.string(),
    matches: z.number(),
    total_runs: z.number(),
    passed: z.boolean(),
  }),
  /** selected_candidate.json is written (the chosen candidate, before minimization). */
  z.object({ ts, type: z.literal('candidate_chosen'), worker, candidate_id: z.string(), score: z.number() }),
  z.object({
    ts,
    type: z.literal('reduction_step'),
    step: z.enum(['llm', 'ddmin']),
    status: z.enum(['started', 'accepted', 'rejected']).optional(),
    detail: z.string().optional(),
    lines_before: z.number().optional(),
    lines_after: z.number().optional(),
    oracle_runs: z.number().optional(),
    cache_hits: z.number().optional(),
  }),
  /** repro/minimal_repro.<ext> and selected_candidate.json (with the reduction) are written. */
  z.object({ ts, type: z.literal('repro_minimized'), path: z.string(), lines: z.number() }),
  z.object({ ts, type: z.literal('hypotheses_rejected'), worker, reason: z.string() }),
  /** triage/hypotheses.json is written; one event per ranked hypothesis. */
  z.object({
    ts,
    type: z.literal('hypothesis_ranked'),
    rank: z.number(),
    worker,
    hypothesis_id: z.string(),
    score: z.number(),
    score_parts: z.record(z.string(), z.number()),
  }),
  /** A fixer's patch was captured (fix/<fix_id>.patch). */
  z.object({ ts, type: z.literal('fix_proposed'), worker, fix_id: z.string(), hypothesis_id: z.string(), files: z.number() }),
  /** A patch was verified or rejected (fix/<fix_id>.json, fix/summary.json). */
  z.object({
    ts,
    type: z.literal('fix_verified'),
    worker,
    fix_id: z.string(),
    verdict: z.enum(['verified', 'rejected']),
    reason: z.string(),
  }),
  z.object({ ts, type: z.literal('run_finished'), status: z.string(), rationale: z.string() }),
  /** A line of events.jsonl too large to read was skipped. */
  z.object({ ts, type: z.literal('event_skipped'), bytes: z.number(), reason: z.string() }),
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent['type'];
/** The fields of one type of event (what the manager passes to emit; `ts` and `type` are added). */
export type EventData<T extends RunEventType> = Omit<Extract<RunEvent, { type: T }>, 'ts' | 'type'>;

/** What an event makes stale in a view of the run. */
export interface EventEffect {
  status?: boolean;
  runsList?: boolean;
  artifacts?: readonly ArtifactName[];
}

/** Everything a finished run may have written (the sessions are the status's, read with it). */
const ALL: readonly ArtifactName[] = ARTIFACT_NAMES.filter((a) => a !== 'sessions');

/** Declared once, beside the events: which artifacts each event announces. Views refresh from this. */
export const EVENT_EFFECTS: Record<RunEventType, EventEffect> = {
  run_started: { status: true, runsList: true },
  sandbox: {},
  phase_started: { status: true },
  phase_finished: { status: true },
  issue_read: { artifacts: ['issue'], runsList: true },
  worker_status: { status: true, artifacts: ['telemetry'] },
  worker_stalled: { status: true },
  followup: { status: true },
  candidate_rejected: { artifacts: ['candidates'] },
  candidate_validated: { artifacts: ['candidates'] },
  candidate_chosen: { artifacts: ['candidates', 'selected_candidate'] },
  reduction_step: {},
  repro_minimized: { artifacts: ['minimal_repro', 'selected_candidate', 'telemetry'] },
  hypotheses_rejected: {},
  hypothesis_ranked: { artifacts: ['hypotheses'] },
  fix_proposed: { artifacts: ['fixes'] },
  fix_verified: { artifacts: ['fixes'] },
  run_finished: { status: true, runsList: true, artifacts: ALL },
  event_skipped: {},
};

/** An events.jsonl line as a RunEvent; a line of an unknown or damaged shape is null (skipped). */
export function parseRunEvent(value: unknown): RunEvent | null {
  const r = RunEvent.safeParse(value);
  return r.success ? r.data : null;
}
