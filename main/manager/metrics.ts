// Run metrics: wall time per phase and token usage by source (worker invocations and the manager).
import type { Usage } from '../../common/artifacts';

export const ZERO: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 };

export function sumUsage(...items: Usage[]): Usage {
  return items.reduce(
    (a, b) => ({
      input_tokens: a.input_tokens + b.input_tokens,
      cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
      output_tokens: a.output_tokens + b.output_tokens,
      turns: a.turns + b.turns,
    }),
    { ...ZERO },
  );
}

export class PhaseTimer {
  private readonly started = Date.now();
  private readonly open = new Map<string, number>();
  readonly seconds: Record<string, number> = {};

  start(phase: string): void {
    this.open.set(phase, Date.now());
  }

  stop(phase: string): number {
    const t0 = this.open.get(phase);
    if (t0 === undefined) return 0;
    this.open.delete(phase);
    const s = round((Date.now() - t0) / 1000);
    this.seconds[phase] = round((this.seconds[phase] ?? 0) + s);
    return s;
  }

  /** Closes open phases and adds `total`. */
  finish(): Record<string, number> {
    for (const phase of [...this.open.keys()]) this.stop(phase);
    return { ...this.seconds, total: round((Date.now() - this.started) / 1000) };
  }
}

export class TokenLedger {
  readonly bySource: Record<string, Usage> = {};

  /** `source` is the invocation (repro-w1, triage-w3, reducer); `manager` sources are the manager's own. */
  add(source: string, usage: Usage): void {
    this.bySource[source] = sumUsage(this.bySource[source] ?? ZERO, usage);
  }

  totals(): { workers: Usage; manager: Usage; total: Usage; by_source: Record<string, Usage> } {
    const entries = Object.entries(this.bySource);
    const manager = sumUsage(...entries.filter(([k]) => isManagerSource(k)).map(([, v]) => v));
    const workers = sumUsage(...entries.filter(([k]) => !isManagerSource(k)).map(([, v]) => v));
    return { workers, manager, total: sumUsage(workers, manager), by_source: { ...this.bySource } };
  }
}

export function isManagerSource(source: string): boolean {
  return source === 'reducer' || source.startsWith('reducer-') || source.startsWith('manager');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
