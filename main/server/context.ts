// What every route handler gets: the request, its parsed target, and the server's shared services.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/config';
import type { RunStore, RunPaths } from '../runs/runStore';
import type { RunStatusReader } from '../runs/status';
import type { Tmux } from '../tmux/tmux';
import type { TerminalHub } from '../terminal/hub';
import { RunId } from '../../common/api';
import type { ArtifactReader } from './artifacts';
import { HttpError, type Target } from './http';
import type { EventFeeds, EventStream } from './sse';
import { parseInput } from './validate';

export interface Services {
  /** The server's configuration (runs root and tmux socket included); runs started here inherit it. */
  config: Config;
  store: RunStore;
  tmux: Tmux;
  status: RunStatusReader;
  artifacts: ArtifactReader;
  feeds: EventFeeds;
  streams: Set<EventStream>;
  terminals: TerminalHub;
  /** Default `lines` of a status request (--capture-lines). */
  captureLines: number;
  /** argv prefix that runs `mminions` (for the manager's tmux session). */
  selfCommand: () => string[];
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  target: Target;
  services: Services;
}

/** A run id from the path, validated (400) and existing in the runs root (404). */
export async function existingRun(s: Services, raw: string | undefined): Promise<{ runId: string; paths: RunPaths }> {
  const runId = parseInput(RunId, raw, 'run id');
  if (!(await s.store.exists(runId)))
    throw new HttpError(404, `no run ${runId} in ${s.store.root}: list runs with GET /api/runs`);
  return { runId, paths: s.store.paths(runId) };
}
