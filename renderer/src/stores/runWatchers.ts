// Follows the events of other running runs (a few at most), so the runs list stays live and finished runs notify.
import type { ApiClient } from '../api/client';
import { RunEventStream } from '../api/eventStream';
import type { RunListItem } from '../api/types';
import { mergePlans } from '../model/refreshPlan';
import { displayState } from '../model/runState';

/** Browsers allow about six HTTP/1.1 connections per origin: keep most of them for requests. */
export const MAX_WATCHED = 2;

/** Which runs to watch: running ones other than the open run, newest first, at most `max`. */
export function runsToWatch(items: readonly RunListItem[], openRunId: string | null, max = MAX_WATCHED): string[] {
  return items
    .filter((r) => displayState(r) === 'running' && r.run_id !== openRunId)
    .slice(0, max)
    .map((r) => r.run_id);
}

export class RunWatchers {
  private readonly streams = new Map<string, RunEventStream>();

  constructor(
    private readonly client: ApiClient,
    /** A watched run wrote an event that changes the list (a phase, the end of the run). */
    private readonly onListChange: () => void,
  ) {}

  sync(items: readonly RunListItem[], openRunId: string | null): void {
    const want = new Set(runsToWatch(items, openRunId));
    for (const [id, s] of this.streams) {
      if (!want.has(id)) {
        s.close();
        this.streams.delete(id);
      }
    }
    for (const id of want) {
      if (this.streams.has(id)) continue;
      const s = new RunEventStream(this.client, id, {
        onEvents: (batch) => {
          if (mergePlans(batch.map((b) => b.event)).runsList) this.onListChange();
        },
      });
      this.streams.set(id, s.start());
    }
  }

  get watching(): string[] {
    return [...this.streams.keys()];
  }

  closeAll(): void {
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }
}
