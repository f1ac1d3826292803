// Preflight: the checks a run needs before it starts (codex, tmux, git, the repository, codex login, the sandbox).
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { PreflightCheck } from '../../common/artifacts';
import type { Config } from '../config/config';
import { nativeCodex } from '../agents/codexBinary';
import { findExecutable } from '../process/findExecutable';
import { type ProcessResult, runProcess } from '../process/run';
import { resolveSandbox, SandboxError } from '../process/sandbox';
import { SAFE_GIT_CONFIG } from '../git/git';

export interface PreflightResult {
  ok: boolean;
  checks: PreflightCheck[];
}

export interface PreflightOptions {
  config: Config;
  repoPath: string;
  env?: NodeJS.ProcessEnv;
  /** Bound on each probe command; codex never gets longer than this. */
  timeoutMs?: number;
}

const check = (name: string, ok: boolean, details: string): PreflightCheck => ({ name, ok, details });

/** A short probe command, bounded, with its whole process group killed on timeout. */
function probe(command: string, args: string[], o: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessResult> {
  return runProcess([command, ...args], { env: o.env, timeoutMs: o.timeoutMs, maxOutputBytes: 64 * 1024 });
}

/** First non-empty line of a command's output that is not one of codex's startup warnings. */
function firstLine(r: ProcessResult): string {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim());
  return lines.find((l) => l && !l.startsWith('WARNING:')) ?? '';
}

function failureOf(r: ProcessResult, what: string, timeoutMs: number): string {
  if (r.spawnError) return `${what} could not start: ${r.spawnError}`;
  if (r.timedOut) return `${what} did not finish within ${timeoutMs / 1000} s (killed)`;
  const out = firstLine(r);
  return `${what} exited ${r.exitCode ?? r.signal}${out ? `: ${out}` : ''}`;
}

/** Checks that a tool is present and answers its version flag. */
async function toolCheck(
  name: string,
  command: string,
  versionArgs: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<PreflightCheck> {
  const path = findExecutable(command, env);
  if (!path)
    return check(name, false, `${JSON.stringify(command)} not found${command.includes('/') ? ' or not executable' : ' on PATH'}`);
  // codex: check the binary the workers will run (the native one behind the npm launcher, if that is what `path` is).
  const native = name === 'codex' ? nativeCodex(command, env) : null;
  const r = await probe(native?.path ?? path, versionArgs, { env: native ? { ...env, ...native.env } : env, timeoutMs });
  const shown = native ? `${path} (native binary ${native.path})` : path;
  if (r.exitCode !== 0 || r.timedOut)
    return check(name, false, `${shown}: ${failureOf(r, `${command} ${versionArgs.join(' ')}`, timeoutMs)}`);
  return check(name, true, `${shown}: ${firstLine(r) || 'version unknown'}`);
}

async function repoPathCheck(repoPath: string): Promise<PreflightCheck> {
  if (!repoPath) return check('repo_path', false, 'no repository path given');
  if (!isAbsolute(repoPath)) return check('repo_path', false, `${repoPath} is not an absolute path`);
  try {
    const st = await stat(repoPath);
    if (!st.isDirectory()) return check('repo_path', false, `${repoPath} is not a directory`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return check('repo_path', false, code === 'ENOENT' ? `${repoPath} does not exist` : `${repoPath}: ${(err as Error).message}`);
  }
  return check('repo_path', true, repoPath);
}

async function worktreeCheck(repoPath: string, gitEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<PreflightCheck> {
  const git = findExecutable('git', gitEnv);
  if (!git) return check('git_worktree', false, 'skipped: git not found on PATH');
  const inside = await probe(git, [...SAFE_GIT_CONFIG, '-C', repoPath, 'rev-parse', '--is-inside-work-tree', '--show-toplevel'], {
    env: gitEnv,
    timeoutMs,
  });
  const [flag, top] = inside.stdout.trim().split('\n');
  if (inside.exitCode !== 0 || flag !== 'true') {
    return check(
      'git_worktree',
      false,
      `${repoPath} is not inside a git work tree (${failureOf(inside, 'git rev-parse', timeoutMs)})`,
    );
  }
  const head = await probe(git, [...SAFE_GIT_CONFIG, '-C', repoPath, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    env: gitEnv,
    timeoutMs,
  });
  const commit = head.stdout.trim();
  if (head.exitCode !== 0 || !commit)
    return check(
      'git_worktree',
      false,
      `${repoPath} is a git work tree (${top}) but has no commits yet; worktrees need a commit`,
    );
  // The default repo_path is "." — run from the mminions folder without --repo-path, that is mminions itself.
  if (top && isMminionsCheckout(top))
    return {
      ...check('git_worktree', true, `work tree ${top}, HEAD ${commit}: this is mminions' own checkout (pass --repo-path?)`),
      warning: true,
    };
  return check('git_worktree', true, `work tree ${top}, HEAD ${commit}`);
}

/** Whether `dir` is a checkout of mminions itself (its package.json names it). */
function isMminionsCheckout(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'mminions';
  } catch {
    return false;
  }
}

/** A non-OpenAI model provider (e.g. a local or scripted server) needs no codex login. */
export function nonOpenaiProvider(config: Config): string | null {
  const p = config.codex.config.model_provider;
  return typeof p === 'string' && p.trim() && p.trim() !== 'openai' ? p.trim() : null;
}

async function codexAuthCheck(config: Config, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<PreflightCheck> {
  const provider = nonOpenaiProvider(config);
  if (provider)
    return check('codex_auth', true, `model provider ${JSON.stringify(provider)} (not openai): no codex login needed`);
  const codex = findExecutable(config.codex.command, env);
  if (!codex) return check('codex_auth', false, `cannot check: codex command ${JSON.stringify(config.codex.command)} not found`);
  const native = nativeCodex(config.codex.command, env);
  const r = await probe(native?.path ?? codex, ['login', 'status'], {
    env: native ? { ...env, ...native.env } : env,
    timeoutMs,
  });
  const home = env.CODEX_HOME ? ` (CODEX_HOME=${env.CODEX_HOME})` : '';
  if (r.exitCode === 0 && !r.timedOut) return check('codex_auth', true, `${firstLine(r) || 'logged in'}${home}`);
  return check('codex_auth', false, `${failureOf(r, 'codex login status', timeoutMs)}${home}`);
}

// Inherited GIT_DIR and friends (e.g. when run from a git hook) would make git ignore -C.
function withoutGitOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) delete out[k];
  return out;
}

export async function runPreflight(opts: PreflightOptions): Promise<PreflightResult> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const baseEnv = opts.env ?? process.env;
  const codexEnv = opts.config.codex.home ? { ...baseEnv, CODEX_HOME: opts.config.codex.home } : baseEnv;
  const gitEnv = withoutGitOverrides(baseEnv);

  const repoChecks = (async (): Promise<[PreflightCheck, PreflightCheck]> => {
    const repo = await repoPathCheck(opts.repoPath);
    const worktree = repo.ok
      ? await worktreeCheck(opts.repoPath, gitEnv, timeoutMs)
      : check('git_worktree', false, 'skipped: the repository path is not usable');
    return [repo, worktree];
  })();
  const [codex, tmux, git, [repo, worktree], auth, sandbox] = await Promise.all([
    toolCheck('codex', opts.config.codex.command, ['--version'], codexEnv, timeoutMs),
    toolCheck('tmux', 'tmux', ['-V'], baseEnv, timeoutMs),
    toolCheck('git', 'git', ['--version'], gitEnv, timeoutMs),
    repoChecks,
    codexAuthCheck(opts.config, codexEnv, timeoutMs),
    sandboxCheck(opts.config, baseEnv),
  ]);
  const checks = [codex, tmux, git, repo, worktree, auth, sandbox];
  return { ok: checks.every((c) => c.ok), checks };
}

/**
 * What in the configuration loosens how the agents' own codex sandbox is confined (see
 * buildCodexArgs): a person may choose it, and preflight says so. Null when nothing does. Pure.
 */
export function codexConfinementNote(config: Config): string | null {
  if (config.codex.sandbox === 'danger-full-access')
    return 'codex.sandbox = "danger-full-access": the workers\' codex runs its commands unconfined';
  const sww = (config.codex.config as Record<string, unknown>).sandbox_workspace_write;
  const keys = sww && typeof sww === 'object' ? Object.keys(sww) : [];
  if (keys.length === 0) return null;
  return `[codex.config] sets sandbox_workspace_write.${keys.join(', sandbox_workspace_write.')}, which replaces mminions' own setting for fixers (their worktree and their own TMPDIR writable, not /tmp, no network)`;
}

/**
 * Whether the commands agents propose can run contained. Without bubblewrap, mode `auto` passes with
 * a warning (they will run unsandboxed, and the run says so); mode `bwrap` fails.
 */
async function sandboxCheck(config: Config, env: NodeJS.ProcessEnv): Promise<PreflightCheck> {
  try {
    const sb = await resolveSandbox(config.sandbox, { env });
    const loosened = codexConfinementNote(config);
    if (loosened) return { ...check('sandbox', true, `${sb.summary}; ${loosened}`), warning: true };
    return { ...check('sandbox', true, sb.summary), ...(sb.kind === 'none' ? { warning: true } : {}) };
  } catch (err) {
    if (err instanceof SandboxError) return check('sandbox', false, err.message);
    throw err;
  }
}

/** What a person should do about a failed check. Pure. */
export function preflightHint(c: PreflightCheck): string {
  switch (c.name) {
    case 'codex':
      return 'install the Codex CLI (npm install -g @openai/codex) or set codex.command in mminions.toml to its path';
    case 'tmux':
      return 'install tmux (e.g. apt install tmux / brew install tmux)';
    case 'git':
      return 'install git and make sure it is on PATH';
    case 'repo_path':
      return 'pass --repo-path with the absolute path of an existing checkout (or set manager.repo_path)';
    case 'git_worktree':
      return c.details.includes('no commits')
        ? 'commit at least once in the repository (workers start from HEAD)'
        : 'point --repo-path at a git checkout (git clone <url>), not a plain folder';
    case 'sandbox':
      return c.details.includes('not installed')
        ? 'install bubblewrap (apt install bubblewrap), or set [sandbox] mode = "auto" or "off" in mminions.toml'
        : 'make bubblewrap work (see above), or set [sandbox] mode = "auto" or "off" in mminions.toml';
    case 'codex_auth':
      return 'run `npx codex login` in the mminions folder (`codex login` where the Codex CLI is installed globally; with the same CODEX_HOME), or set codex.config.model_provider to a provider that needs no login';
    default:
      return 'see the details above';
  }
}

/** One line per check, ✓ or ✗, with a hint under each failure. */
export function formatPreflight(result: PreflightResult): string {
  const width = Math.max(...result.checks.map((c) => c.name.length), 4);
  const lines = result.checks.flatMap((c) => {
    const line = `${c.ok ? (c.warning ? '!' : '✓') : '✗'} ${c.name.padEnd(width)}  ${c.details}`;
    return c.ok ? [line] : [line, `  ${' '.repeat(width)}  fix: ${preflightHint(c)}`];
  });
  const failed = result.checks.filter((c) => !c.ok).length;
  lines.push(
    failed
      ? `preflight failed: ${failed} of ${result.checks.length} checks failed`
      : `preflight ok: all ${result.checks.length} checks passed`,
  );
  return lines.join('\n');
}

/** The failed checks as one sentence for decision.json's rationale. */
export function preflightFailureReason(result: PreflightResult): string | null {
  const failed = result.checks.filter((c) => !c.ok);
  if (!failed.length) return null;
  return `preflight failed: ${failed.map((c) => `${c.name}: ${c.details} (fix: ${preflightHint(c)})`).join('; ')}`;
}
