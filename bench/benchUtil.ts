// Shared helpers of the benchmarks: mode (smoke or full), percentiles, results files, markdown tables.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Full sizes and repeats with MMINIONS_BENCH_FULL=1; otherwise a small smoke run (the one `npm test` does). */
export const FULL = process.env.MMINIONS_BENCH_FULL === '1';
export const MODE: 'full' | 'smoke' = FULL ? 'full' : 'smoke';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Writes bench/results/<name>.json (full) or <name>.smoke.json (smoke, so CI never overwrites full figures). */
export async function writeResults(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, FULL ? `${name}.json` : `${name}.smoke.json`);
  await writeFile(
    file,
    `${JSON.stringify({ name, mode: MODE, date: new Date().toISOString(), ...(data as object) }, null, 2)}\n`,
  );
  return file;
}

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
