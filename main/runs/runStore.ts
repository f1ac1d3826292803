// The run directory (runs/<run_id>/): ids, layout, atomic JSON writes, validated reads, listing.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { RUN_ID_PATTERN } from '../../common/artifacts';

export class RunStoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'bad-id' | 'not-found' | 'invalid-artifact' | 'exists',
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

export function isValidRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id) && !id.startsWith('.');
}

export function assertRunId(id: string): string {
  if (!isValidRunId(id)) {
    throw new RunStoreError(
      `invalid run id ${JSON.stringify(id)}: use letters, digits, "_" and "-" (tmux rewrites "." and ":" in session names)`,
      'bad-id',
    );
  }
  return id;
}

/** Eval runs (`mminions eval`) share the runs root under this prefix; they are not manager runs. */
export const EVAL_RUN_PREFIX = 'eval-';

/** run-YYYYMMDDHHMMSS in UTC. */
export function timestampRunId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `run-${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

export interface RunPaths {
  dir: string;
  issue: string;
  sessions: string;
  events: string;
  reproDir: string;
  candidatesDir: string;
  candidate: (workerId: string) => string;
  minimalRepro: (ext: string) => string;
  selectedCandidate: string;
  triageDir: string;
  hypotheses: string;
  /** fix/: each fix's patch and verification (fix/<fix_id>.patch, .json) and summary.json. */
  fixDir: string;
  fixSummary: string;
  decision: string;
  finalReport: string;
  runDone: string;
  promptsDir: string;
  scriptsDir: string;
  agentsDir: string;
  telemetryDir: string;
  metaDir: string;
  /** tmp/<invocation>: an agent's TMPDIR (a workspace-write agent writes there and in its worktree only); removed when the run ends. */
  scratchDir: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    issue: join(dir, 'issue.json'),
    sessions: join(dir, 'sessions.json'),
    events: join(dir, 'events.jsonl'),
    reproDir: join(dir, 'repro'),
    candidatesDir: join(dir, 'repro', 'candidates'),
    candidate: (w) => join(dir, 'repro', 'candidates', `${w}.json`),
    minimalRepro: (ext) => join(dir, 'repro', `minimal_repro.${ext.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'txt'}`),
    selectedCandidate: join(dir, 'repro', 'selected_candidate.json'),
    triageDir: join(dir, 'triage'),
    hypotheses: join(dir, 'triage', 'hypotheses.json'),
    fixDir: join(dir, 'fix'),
    fixSummary: join(dir, 'fix', 'summary.json'),
    decision: join(dir, 'decision.json'),
    finalReport: join(dir, 'final.md'),
    runDone: join(dir, 'run_done.json'),
    promptsDir: join(dir, 'prompts'),
    scriptsDir: join(dir, 'scripts'),
    agentsDir: join(dir, 'agents'),
    telemetryDir: join(dir, 'telemetry'),
    metaDir: join(dir, 'meta'),
    scratchDir: join(dir, 'tmp'),
  };
}

export class RunStore {
  readonly root: string;

  constructor(runsRoot: string) {
    this.root = resolve(runsRoot);
  }

  /** The run's folder; refuses ids that could leave the runs root. */
  dir(runId: string): string {
    assertRunId(runId);
    const d = resolve(this.root, runId);
    if (!d.startsWith(this.root + sep)) throw new RunStoreError(`run id ${JSON.stringify(runId)} leaves the runs root`, 'bad-id');
    return d;
  }

  paths(runId: string): RunPaths {
    return runPaths(this.dir(runId));
  }

  /**
   * Creates the run skeleton. Without an id, makes run-YYYYMMDDHHMMSS unique by claiming the
   * folder with an exclusive mkdir (two runs in the same second get -2, -3, ...).
   */
  async create(runId?: string, now: Date = new Date()): Promise<{ runId: string; paths: RunPaths }> {
    await mkdir(this.root, { recursive: true });
    let id: string;
    if (runId) {
      id = assertRunId(runId);
      if (id.startsWith(EVAL_RUN_PREFIX)) {
        throw new RunStoreError(
          `invalid run id ${JSON.stringify(id)}: ids starting with "${EVAL_RUN_PREFIX}" are kept for eval runs`,
          'bad-id',
        );
      }
      try {
        await mkdir(this.dir(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST')
          throw new RunStoreError(`run ${id} already exists in ${this.root}`, 'exists');
        throw err;
      }
    } else {
      const base = timestampRunId(now);
      id = base;
      for (let n = 2; ; n++) {
        try {
          await mkdir(this.dir(id));
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 10_000) throw err;
          id = `${base}-${n}`;
        }
      }
    }
    const p = this.paths(id);
    for (const d of [p.candidatesDir, p.triageDir, p.promptsDir, p.scriptsDir, p.agentsDir, p.telemetryDir, p.metaDir]) {
      await mkdir(d, { recursive: true });
    }
    await writeFile(p.events, '', { flag: 'a' });
    return { runId: id, paths: p };
  }

  /** Whether `runId` is a manager run here (an eval run's folder is not). */
  async exists(runId: string): Promise<boolean> {
    if (!isValidRunId(runId) || runId.startsWith(EVAL_RUN_PREFIX)) return false;
    try {
      return (await stat(this.dir(runId))).isDirectory();
    } catch {
      return false;
    }
  }

  /** Manager run ids in the runs root, oldest first (ids sort by time); eval runs' folders are not runs. */
  async list(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return entries
      .filter((e) => e.isDirectory() && isValidRunId(e.name) && !e.name.startsWith(EVAL_RUN_PREFIX))
      .map((e) => e.name)
      .sort();
  }
}

/** Writes JSON atomically: a temp file beside the target, then a rename. */
export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  await writeTextAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}

export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function ensureDirSync(path: string): void {
  mkdirSync(path, { recursive: true });
}

/** Reads and validates a JSON artifact; null when the file does not exist. */
export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseJsonArtifact(path, text, schema);
}

/**
 * Whether `path` may be served as one of the run's artifacts: a regular file (not a symlink) whose
 * real location is inside the run folder. What agents wrote could point anywhere.
 */
export async function isRunFile(runDir: string, path: string): Promise<boolean> {
  try {
    if (!(await lstat(path)).isFile()) return false;
    const [root, real] = await Promise.all([realpath(runDir), realpath(path)]);
    return real.startsWith(`${root}${sep}`);
  } catch {
    return false;
  }
}

/** Deeper JSON is refused: artifacts are shallow, and serializing a 100k-deep value overflows the stack. */
export const MAX_JSON_DEPTH = 256;

/** How deeply a parsed JSON value nests (iteratively: the value may be deeper than the stack). */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export function parseJsonArtifact<S extends z.ZodType>(path: string, text: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RunStoreError(`${path}: not valid JSON (${(err as Error).message})`, 'invalid-artifact');
  }
  if (jsonDepth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new RunStoreError(`${path}: JSON nested deeper than ${MAX_JSON_DEPTH} levels; not read`, 'invalid-artifact');
  }
  const res = schema.safeParse(raw);
  if (!res.success) {
    const first = res.error.issues[0];
    throw new RunStoreError(
      `${path}: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`,
      'invalid-artifact',
    );
  }
  return res.data;
}
