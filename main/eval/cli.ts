// `mminions eval numpy-convolve|bugfix`: flags to an eval run, progress and verdict printed, exit 0 passed/skipped, 1 failed.
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/config';
import { intFlag, parseFlags, UsageError } from '../cli/args';
import { packageRoot } from '../cli/self';
import type { EvalSummary } from './artifacts';
import { runEval } from './harness';
import { EVAL_MODES, loadEvalSpec, type EvalMode } from './spec';

export const EVAL_USAGE = [
  'Usage:',
  '  mminions eval numpy-convolve --mode offline|live --numpy-repo-path DIR --runs-root DIR',
  '                               [--python-version 3.12] [--max-runtime-sec 1800] [--config FILE]',
  '  mminions eval bugfix --spec FILE --repo-path DIR --runs-root DIR --mode offline|live',
  '                               [--python-version V] [--max-runtime-sec N] [--config FILE]',
  '',
  'offline: checks the spec, the commits and the wiring, creates and removes the worktrees, takes the',
  "         before-oracle from the spec's recorded fixture (no codex, no build).",
  "live:    builds (the spec's setup), runs the oracle at the bug and fix commits, lets codex fix the bug",
  '         in a worktree and runs the oracle on its patch. Skipped (exit 0) without a codex login.',
  'Artifacts: <runs-root>/eval-<name>-YYYYMMDDHHMMSS/ (see docs/eval.md). Exit: 0 passed or skipped, 1 failed, 64 usage.',
].join('\n');

/** The NumPy convolve spec shipped with mminions. */
export function numpyConvolveSpecPath(): string {
  return join(packageRoot(), 'examples', 'evals', 'numpy-convolve.json');
}

const FLAGS = {
  mode: { type: 'string' },
  'runs-root': { type: 'string' },
  'python-version': { type: 'string' },
  'max-runtime-sec': { type: 'string' },
  config: { type: 'string' },
  // numpy-convolve
  'numpy-repo-path': { type: 'string' },
  // bugfix
  spec: { type: 'string' },
  'repo-path': { type: 'string' },
} as const;

function required(values: Record<string, unknown>, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${flag} is required\n\n${EVAL_USAGE}`);
  return v;
}

function printSummary(s: EvalSummary, out: (line: string) => void): void {
  out(`\neval ${s.eval_run_id}: ${s.status.toUpperCase()} — ${s.reason}`);
  if (s.before_classification)
    out(
      `  before: ${s.before_classification}${s.reference_classification ? `   reference: ${s.reference_classification}` : ''}${s.after_classification ? `   after: ${s.after_classification}` : ''}`,
    );
  if (s.codex_invoked && s.agent)
    out(`  codex: ${s.agent.status}, ${s.agent.usage.input_tokens} input / ${s.agent.usage.output_tokens} output tokens`);
  if (s.patch_path) out(`  patch: ${s.patch_path} (${s.patch_accepted ? 'accepted' : 'rejected'})`);
  out(`  artifacts: ${s.artifacts_dir}`);
  if (s.skip_reason) out(`  skip reason: ${s.skip_reason}`);
}

/** Where the command prints (tests capture it). */
export interface EvalIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const CONSOLE: EvalIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function run(argv: string[], io: EvalIo = CONSOLE): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    if (!sub) throw new UsageError(`which eval? numpy-convolve or bugfix\n\n${EVAL_USAGE}`);
    io.out(EVAL_USAGE);
    return 0;
  }
  if (sub !== 'numpy-convolve' && sub !== 'bugfix')
    throw new UsageError(`unknown eval ${JSON.stringify(sub)}: use numpy-convolve or bugfix\n\n${EVAL_USAGE}`);
  const { values } = parseFlags(rest, FLAGS, EVAL_USAGE);
  if (values.help) {
    io.out(EVAL_USAGE);
    return 0;
  }

  const mode = required(values, 'mode');
  if (!(EVAL_MODES as readonly string[]).includes(mode))
    throw new UsageError(`--mode must be offline or live (got ${JSON.stringify(mode)})\n\n${EVAL_USAGE}`);
  const misplaced: Array<keyof typeof FLAGS> = sub === 'numpy-convolve' ? ['spec', 'repo-path'] : ['numpy-repo-path'];
  for (const f of misplaced)
    if (values[f] !== undefined) throw new UsageError(`--${f} does not apply to \`eval ${sub}\`\n\n${EVAL_USAGE}`);
  const specPath = sub === 'numpy-convolve' ? numpyConvolveSpecPath() : resolve(required(values, 'spec'));
  const repoPath = resolve(required(values, sub === 'numpy-convolve' ? 'numpy-repo-path' : 'repo-path'));
  const runsRoot = resolve(required(values, 'runs-root'));
  const maxRuntimeSec = intFlag('max-runtime-sec', values['max-runtime-sec']);
  if (maxRuntimeSec !== undefined && maxRuntimeSec < 1) throw new UsageError('--max-runtime-sec must be at least 1');
  const pythonVersion = values['python-version'];
  if (pythonVersion !== undefined && !/^3(\.\d+){0,2}$/.test(pythonVersion))
    throw new UsageError(`--python-version expects a Python 3 version such as 3.12 (got ${JSON.stringify(pythonVersion)})`);

  const spec = await loadEvalSpec(specPath);
  const config = loadConfig({ configFile: values.config });
  for (const w of config.meta.warnings) io.err(`warning: ${w}`);

  const controller = new AbortController();
  const onSignal = () => {
    io.err('[eval] interrupted: stopping and removing the worktrees…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runEval({
      spec,
      specPath,
      mode: mode as EvalMode,
      repoPath,
      runsRoot,
      config,
      pythonVersion,
      maxRuntimeSec,
      signal: controller.signal,
      log: io.out,
    });
    printSummary(summary, io.out);
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
