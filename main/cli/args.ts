// Command-line flag parsing shared by the commands (node:util parseArgs with clear errors).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConfigOverrides } from '../config/config';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
}

export function intFlag(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^-?\d+$/.test(s)) throw new UsageError(`--${name} expects an integer (got ${JSON.stringify(s)})`);
  return Number(s);
}

export function numFlag(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number (got ${JSON.stringify(v)})`);
  return n;
}

/** The flags of `manager` and `run` (the Python prototype's, plus --issue-file/--issue-text/--fix-workers). */
export const RUN_FLAGS = {
  'issue-url': { type: 'string' },
  'issue-file': { type: 'string' },
  'issue-text': { type: 'string' },
  config: { type: 'string' },
  'run-id': { type: 'string' },
  'repo-path': { type: 'string' },
  'runs-root': { type: 'string' },
  workers: { type: 'string' },
  'fix-workers': { type: 'string' },
  'timeout-sec': { type: 'string' },
  'poll-interval-sec': { type: 'string' },
  'repro-validation-runs': { type: 'string' },
  'repro-min-matches': { type: 'string' },
  'validation-python-version': { type: 'string' },
  'worker-model': { type: 'string' },
  'manager-model': { type: 'string' },
  'stall-sec': { type: 'string' },
  'tmux-socket': { type: 'string' },
} as const satisfies Options;

export function runOverrides(v: Record<string, unknown>): ConfigOverrides {
  return {
    repo_path: v['repo-path'] as string | undefined,
    runs_root: v['runs-root'] as string | undefined,
    workers: intFlag('workers', v.workers),
    fix_workers: intFlag('fix-workers', v['fix-workers']),
    timeout_sec: intFlag('timeout-sec', v['timeout-sec']),
    poll_interval_sec: numFlag('poll-interval-sec', v['poll-interval-sec']),
    repro_validation_runs: intFlag('repro-validation-runs', v['repro-validation-runs']),
    repro_min_matches: intFlag('repro-min-matches', v['repro-min-matches']),
    validation_python_version: v['validation-python-version'] as string | undefined,
    worker_model: v['worker-model'] as string | undefined,
    manager_model: v['manager-model'] as string | undefined,
    stall_sec: intFlag('stall-sec', v['stall-sec']),
    tmux_socket: v['tmux-socket'] as string | undefined,
  };
}
