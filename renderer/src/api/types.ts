// Payloads of the status server API as the dashboard uses them: the shared schemas' types (common/api.ts, common/artifacts.ts).
import type {
  ConfigResponse,
  FixesResponse,
  InvocationTelemetry,
  MinimalReproResponse,
  RunListItem,
  RunsResponse,
  RunState,
  RunStatusResponse,
  StartRunRequest,
  StartRunResponse,
  TelemetryResponse,
  WorkerStatusView,
} from '../../../common/api';
import type {
  CandidateFile,
  Decision,
  FixSummaryFile,
  HypothesesFile,
  IssueSpec,
  RunDone,
  RunEvent,
  SessionsFile,
  Usage,
} from '../../../common/artifacts';

export type { FixesResponse };
export type { CandidateFile, Decision, FixSummaryFile, HypothesesFile, IssueSpec, RunDone, RunEvent, SessionsFile, Usage };
export type { RunListItem, RunsResponse, RunState, WorkerStatusView };

export type ConfigDefaults = ConfigResponse['defaults'];
export type RunStatus = RunStatusResponse;
export type NewRunRequest = StartRunRequest;
export type NewRunResponse = StartRunResponse;
export type MinimalRepro = MinimalReproResponse;
export type TelemetryInvocation = InvocationTelemetry;
export type Telemetry = TelemetryResponse;

/** Artifacts the dashboard reads, by their API name. */
export interface Artifacts {
  issue: IssueSpec;
  sessions: SessionsFile;
  candidates: { candidates: CandidateFile[] };
  minimal_repro: MinimalRepro;
  selected_candidate: CandidateFile;
  hypotheses: HypothesesFile;
  fixes: FixesResponse;
  decision: Decision;
  run_done: RunDone;
  final: string;
  telemetry: Telemetry;
}
export type ArtifactName = keyof Artifacts;

/** A run event as sent over SSE, with its resume offset. */
export interface StreamedEvent {
  offset: number;
  event: RunEvent;
}
