// The runs list (newest first): refreshed on focus and on events of watched runs, never on a timer.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeError, type ApiClient } from '../api/client';
import type { RunListItem } from '../api/types';
import { finishedTransitions, type RunTransition } from '../model/runState';

export interface RunsState {
  items: RunListItem[];
  loaded: boolean;
  error: string | null;
  refresh(): Promise<void>;
  /** Coalesces bursts of events into one refresh. */
  scheduleRefresh(): void;
}

export interface RunsDeps {
  client: Pick<ApiClient, 'runs'>;
  /** Runs that stopped running since the last refresh (never reported on the first load). */
  onTransitions?: (t: RunTransition[]) => void;
  debounceMs?: number;
}

export type RunsStore = StoreApi<RunsState>;

export function createRunsStore(deps: RunsDeps): RunsStore {
  let inFlight: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  return createStore<RunsState>()((set, get) => {
    const load = async () => {
      try {
        const res = await deps.client.runs();
        const items = [...res.items].reverse(); // the API lists oldest first (the Python prototype's order)
        const prev = get();
        if (prev.loaded) {
          const t = finishedTransitions(prev.items, items);
          if (t.length) deps.onTransitions?.(t);
        }
        set({ items, loaded: true, error: null });
      } catch (err) {
        set({ error: describeError(err), loaded: true });
      }
    };
    return {
      items: [],
      loaded: false,
      error: null,
      refresh() {
        if (inFlight) {
          again = true;
          return inFlight;
        }
        inFlight = (async () => {
          do {
            again = false;
            await load();
          } while (again);
          inFlight = null;
        })();
        return inFlight;
      },
      scheduleRefresh() {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          void get().refresh();
        }, deps.debounceMs ?? 250);
      },
    };
  });
}
