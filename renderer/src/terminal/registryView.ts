// What window.__mminionsTerminals offers (renderer/src/terminal/registry.ts). Types only, no DOM:
// e2e tests and benchmarks (node side) import it too.

export interface TerminalRegistryView {
  list(): string[];
  text(worker: string): string | null;
  serialize(worker: string): string | null;
  renderer(worker: string): string | null;
  selection(worker: string): string | null;
  size(worker: string): { cols: number; rows: number } | null;
  /** Output bytes the terminal has received on its current connection. */
  received(worker: string): number | null;
  /**
   * Resolves with performance.now() as soon as a visible row contains `needle` (checked after each
   * parsed write, so a benchmark can time output without polling), or null after `timeoutMs`.
   */
  whenText(worker: string, needle: string, timeoutMs?: number): Promise<number | null>;
}
