// Zeller's delta debugging (ddmin): a 1-minimal subsequence that still passes an async test, probes in parallel.

export interface DdminStep {
  /** Units in the current configuration, after this round. */
  size: number;
  /** Number of chunks the configuration was split into in this round. */
  granularity: number;
  /** Probes started in this round. */
  probes: number;
  /** What the round reduced to, if anything. */
  outcome: 'complement' | 'subset' | 'refine' | 'done';
}

export interface DdminOptions {
  /** How many probes of one round run at once (default 2). */
  parallelism?: number;
  onStep?: (step: DdminStep) => void;
}

/** `units` cut into `n` contiguous chunks of nearly equal size. */
export function split<T>(units: T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((units.length - start) / (n - i));
    chunks.push(units.slice(start, end));
    start = end;
  }
  return chunks;
}

/**
 * The index of the first candidate (in order) that passes. Candidates are probed in batches of
 * `parallelism`; the earliest passing one of the first batch with a pass wins, so the answer equals
 * a sequential search's and does not depend on which probe finishes first.
 */
async function firstPassing<T>(
  candidates: T[][],
  test: (subset: T[]) => Promise<boolean>,
  parallelism: number,
  counter: { probes: number },
): Promise<number> {
  for (let start = 0; start < candidates.length; start += parallelism) {
    const batch = candidates.slice(start, start + parallelism);
    counter.probes += batch.length;
    const results = await Promise.all(batch.map((c) => test(c)));
    const hit = results.indexOf(true);
    if (hit >= 0) return start + hit;
  }
  return -1;
}

/**
 * Reduces `units` to a 1-minimal subsequence for which `test` holds (removing any single unit makes it
 * fail), assuming `test(units)` holds. Each round tries the complements first, then the chunks, and
 * doubles the granularity when neither passes.
 */
export async function ddmin<T>(units: T[], test: (subset: T[]) => Promise<boolean>, opts: DdminOptions = {}): Promise<T[]> {
  const parallelism = Math.max(1, opts.parallelism ?? 2);
  let current = units.slice();
  let n = 2;
  while (current.length >= 2) {
    n = Math.min(n, current.length);
    const chunks = split(current, n);
    const counter = { probes: 0 };
    const complements = chunks.map((_, i) => chunks.flatMap((c, j) => (j === i ? [] : c)));
    const c = await firstPassing(complements, test, parallelism, counter);
    if (c >= 0) {
      current = complements[c] as T[];
      n = Math.max(n - 1, 2);
      opts.onStep?.({ size: current.length, granularity: chunks.length, probes: counter.probes, outcome: 'complement' });
      continue;
    }
    // With two chunks each complement is the other chunk: nothing new to try.
    const s = n > 2 ? await firstPassing(chunks, test, parallelism, counter) : -1;
    if (s >= 0) {
      current = chunks[s] as T[];
      n = 2;
      opts.onStep?.({ size: current.length, granularity: chunks.length, probes: counter.probes, outcome: 'subset' });
      continue;
    }
    if (n >= current.length) {
      opts.onStep?.({ size: current.length, granularity: chunks.length, probes: counter.probes, outcome: 'done' });
      break;
    }
    n = Math.min(n * 2, current.length);
    opts.onStep?.({ size: current.length, granularity: chunks.length, probes: counter.probes, outcome: 'refine' });
  }
  // A single unit is 1-minimal unless nothing at all passes.
  if (current.length === 1 && (await test([]))) return [];
  return current;
}
