// The open run: its status, live events (SSE) and artifacts; events decide what to refetch, debounced.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeError, type ApiClient } from '../api/client';
import { RunEventStream, type StreamState } from '../api/eventStream';
import type { ArtifactName, Artifacts, RunEvent, RunStatus, StreamedEvent } from '../api/types';
import { ALL_ARTIFACTS, mergePlans, type RefreshPlan } from '../model/refreshPlan';

export const MAX_EVENTS = 20_000;

export interface RunViewState {
  runId: string | null;
  status: RunStatus | null;
  statusError: string | null;
  events: RunEvent[];
  stream: StreamState | 'idle';
  streamDetail: string | null;
  artifacts: Partial<Artifacts>;
  artifactErrors: Partial<Record<ArtifactName, string>>;
  /** Artifacts fetched at least once since the run was opened. */
  artifactsLoaded: Partial<Record<ArtifactName, true>>;
  /** How the run's untrusted commands ran (its `sandbox` event), once known. */
  sandbox: { kind: string; summary: string } | null;
  open(runId: string): void;
  close(): void;
  refreshStatus(): Promise<void>;
  refreshArtifacts(names: readonly ArtifactName[]): Promise<void>;
  stop(): Promise<void>;
  /** A follow-up to a worker's agent, or a command to the manager; resolves with what the run did, in words. */
  send(worker: string, text: string): Promise<string>;
}

export interface RunDeps {
  client: ApiClient;
  /** Told about every batch of events (the runs list refreshes on some of them). */
  onEvents?: (runId: string, plan: RefreshPlan, events: RunEvent[]) => void;
  debounceMs?: number;
}

export type RunStore = StoreApi<RunViewState>;

const EMPTY = {
  status: null,
  statusError: null,
  events: [] as RunEvent[],
  stream: 'idle' as const,
  streamDetail: null,
  artifacts: {},
  artifactErrors: {},
  artifactsLoaded: {},
  sandbox: null,
};

export function createRunStore(deps: RunDeps): RunStore {
  let stream: RunEventStream | null = null;
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { status: boolean; artifacts: Set<ArtifactName> } = { status: false, artifacts: new Set() };

  return createStore<RunViewState>()((set, get) => {
    const current = (gen: number, runId: string) => gen === generation && get().runId === runId;

    const flush = () => {
      timer = null;
      const p = pending;
      pending = { status: false, artifacts: new Set() };
      if (p.status) void get().refreshStatus();
      if (p.artifacts.size) void get().refreshArtifacts([...p.artifacts]);
    };

    const onEvents = (runId: string, gen: number, batch: StreamedEvent[]) => {
      if (!current(gen, runId)) return;
      const events = batch.map((b) => b.event);
      const all = get().events.concat(events);
      const sandbox = events.findLast((e) => e.type === 'sandbox');
      set({
        events: all.length > MAX_EVENTS ? all.slice(all.length - MAX_EVENTS) : all,
        ...(sandbox ? { sandbox: { kind: String(sandbox.kind), summary: String(sandbox.summary) } } : {}),
      });
      const plan = mergePlans(events);
      deps.onEvents?.(runId, plan, events);
      pending.status ||= plan.status;
      for (const a of plan.artifacts) pending.artifacts.add(a);
      if (!timer && (pending.status || pending.artifacts.size)) timer = setTimeout(flush, deps.debounceMs ?? 200);
    };

    return {
      runId: null,
      ...EMPTY,

      open(runId) {
        if (get().runId === runId) return;
        get().close();
        const gen = ++generation;
        set({ runId, ...EMPTY, stream: 'connecting' });
        stream = new RunEventStream(deps.client, runId, {
          onEvents: (batch) => onEvents(runId, gen, batch),
          onState: (state, detail) => {
            if (current(gen, runId)) set({ stream: state, streamDetail: detail });
          },
        }).start();
        void get().refreshStatus();
        void get().refreshArtifacts(ALL_ARTIFACTS);
      },

      close() {
        generation++;
        stream?.close();
        stream = null;
        if (timer) clearTimeout(timer);
        timer = null;
        pending = { status: false, artifacts: new Set() };
        set({ runId: null, ...EMPTY });
      },

      async refreshStatus() {
        const { runId } = get();
        if (!runId) return;
        const gen = generation;
        try {
          const status = await deps.client.status(runId, 10);
          if (current(gen, runId)) set({ status, statusError: null });
        } catch (err) {
          if (current(gen, runId)) set({ statusError: describeError(err) });
        }
      },

      async refreshArtifacts(names) {
        const { runId } = get();
        if (!runId) return;
        const gen = generation;
        await Promise.all(
          names.map(async (name) => {
            try {
              const value = await deps.client.artifact(runId, name);
              if (!current(gen, runId)) return;
              const artifacts = { ...get().artifacts };
              if (value === null) delete artifacts[name];
              else (artifacts as Record<string, unknown>)[name] = value;
              const artifactErrors = { ...get().artifactErrors };
              delete artifactErrors[name];
              set({ artifacts, artifactErrors, artifactsLoaded: { ...get().artifactsLoaded, [name]: true } });
            } catch (err) {
              if (current(gen, runId)) {
                set({
                  artifactErrors: { ...get().artifactErrors, [name]: describeError(err) },
                  artifactsLoaded: { ...get().artifactsLoaded, [name]: true },
                });
              }
            }
          }),
        );
      },

      async stop() {
        const { runId } = get();
        if (!runId) return;
        await deps.client.stopRun(runId);
        await get().refreshStatus();
      },

      async send(worker, text) {
        const { runId } = get();
        if (!runId) throw new Error('no run is open');
        const res = await deps.client.send(runId, worker, text);
        return res.delivered === 'command'
          ? `Done: ${text.trim().split(/\s+/)[0]}.`
          : `Sent to ${worker}'s agent as a follow-up.`;
      },
    };
  });
}
