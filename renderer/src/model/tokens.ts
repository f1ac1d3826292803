// Token usage by worker and by phase, from the telemetry artifact (input tokens include the cached ones).
import type { Telemetry, Usage } from '../api/types';

export interface TokenRow {
  key: string;
  /** Input tokens that were not served from the cache. */
  uncached: number;
  cached: number;
  output: number;
  total: number;
  turns: number;
}

/** Which worker and phase an invocation belongs to: repro-w1, repro-w1-r2, triage-w3, reducer. */
export function parseInvocation(invocation: string): { worker: string; phase: string } {
  const m = /^(repro|triage|fix)-(w\d+)(?:-r\d+)?$/.exec(invocation);
  if (m) return { worker: m[2]!, phase: m[1]! };
  if (/^reducer/.test(invocation)) return { worker: 'manager', phase: 'minimize' };
  if (/^manager/.test(invocation)) return { worker: 'manager', phase: 'other' };
  return { worker: invocation, phase: 'other' };
}

function add(rows: Map<string, TokenRow>, key: string, u: Usage): void {
  const r = rows.get(key) ?? { key, uncached: 0, cached: 0, output: 0, total: 0, turns: 0 };
  const cached = Math.min(u.cached_input_tokens, u.input_tokens);
  r.uncached += u.input_tokens - cached;
  r.cached += cached;
  r.output += u.output_tokens;
  r.total += u.input_tokens + u.output_tokens;
  r.turns += u.turns;
  rows.set(key, r);
}

function group(
  telemetry: Telemetry | null | undefined,
  keyOf: (inv: string) => string,
  order: (k: string) => number,
): TokenRow[] {
  const rows = new Map<string, TokenRow>();
  for (const inv of telemetry?.invocations ?? []) add(rows, keyOf(inv.invocation), inv.usage);
  return [...rows.values()].sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key));
}

const workerRank = (k: string) => (k === 'manager' ? 0 : /^w(\d+)$/.test(k) ? Number(k.slice(1)) : 1000);
const PHASE_ORDER = ['repro', 'minimize', 'triage', 'fix', 'other'];

export function tokensByWorker(telemetry: Telemetry | null | undefined): TokenRow[] {
  return group(telemetry, (inv) => parseInvocation(inv).worker, workerRank);
}

export function tokensByPhase(telemetry: Telemetry | null | undefined): TokenRow[] {
  return group(
    telemetry,
    (inv) => parseInvocation(inv).phase,
    (k) => (PHASE_ORDER.includes(k) ? PHASE_ORDER.indexOf(k) : 99),
  );
}

/** One worker's usage over all its attempts. */
export function workerUsage(telemetry: Telemetry | null | undefined, worker: string): TokenRow | null {
  return tokensByWorker(telemetry).find((r) => r.key === worker) ?? null;
}
