// Loads mminions.toml (smol-toml), validates it (zod), applies defaults, clamps and overrides.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import {
  CODEX_SANDBOX_MODES,
  type FixConfig,
  type ManagerConfig,
  type ResolvedConfig,
  type SandboxSettings,
  UNTRUSTED_SANDBOX_MODES,
} from '../../common/config';
import { DEFAULT_SANDBOX } from '../process/sandbox';

export const SANDBOX_MODES = CODEX_SANDBOX_MODES;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
export type { ManagerConfig };
/** The resolved configuration (common/config.ts). */
export type Config = ResolvedConfig;

export const DEFAULT_MANAGER: ManagerConfig = {
  repo_path: '.',
  runs_root: 'runs',
  workers: 2,
  timeout_sec: 300,
  poll_interval_sec: 5,
  repro_validation_runs: 3,
  repro_min_matches: 2,
  validation_python_version: '3.12',
  worker_model: 'gpt-5.2-codex',
  manager_model: 'gpt-5',
  worktree_root: '',
  stall_sec: 120,
  validation_timeout_sec: 60,
  reducer_timeout_sec: 180,
  fix_workers: 2,
};

export const DEFAULT_FIX: FixConfig = { test_command: '', test_timeout_sec: 600 };

/** Flag-level overrides: the manager keys plus the few others the CLI exposes. */
export type ConfigOverrides = Partial<ManagerConfig> & { tmux_socket?: string | null };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const intKey = (key: string, allowed: string) =>
  z.number({ error: `${key}: expected ${allowed}` }).int({ error: `${key}: expected ${allowed}` });
const strKey = (key: string) => z.string({ error: `${key}: expected a string` });

const FileSchema = z
  .object({
    manager: z
      .object({
        repo_path: strKey('manager.repo_path'),
        runs_root: strKey('manager.runs_root'),
        workers: intKey('manager.workers', 'an integer 1..6'),
        timeout_sec: intKey('manager.timeout_sec', 'an integer of at least 60'),
        poll_interval_sec: z.number({ error: 'manager.poll_interval_sec: expected a number > 0' }).positive({
          error: 'manager.poll_interval_sec: expected a number > 0',
        }),
        repro_validation_runs: intKey('manager.repro_validation_runs', 'an integer 1..20'),
        repro_min_matches: intKey('manager.repro_min_matches', 'an integer of at least 1'),
        validation_python_version: strKey('manager.validation_python_version').regex(/^3(\.\d+){0,2}$/, {
          error: 'manager.validation_python_version: expected a Python 3 version such as "3.12"',
        }),
        worker_model: strKey('manager.worker_model').min(1),
        manager_model: strKey('manager.manager_model').min(1),
        worktree_root: strKey('manager.worktree_root'),
        stall_sec: intKey('manager.stall_sec', 'an integer of at least 5'),
        validation_timeout_sec: intKey('manager.validation_timeout_sec', 'an integer of at least 1'),
        reducer_timeout_sec: intKey('manager.reducer_timeout_sec', 'an integer of at least 10'),
        fix_workers: intKey('manager.fix_workers', 'an integer 0..6 (0 turns the fix phase off)'),
      })
      .partial()
      .strict(),
    tmux: z
      .object({ socket: strKey('tmux.socket') })
      .partial()
      .strict(),
    github: z
      .object({ api_url: strKey('github.api_url').url({ error: 'github.api_url: expected an http(s) URL' }) })
      .partial()
      .strict(),
    codex: z
      .object({
        command: strKey('codex.command').min(1),
        home: strKey('codex.home'),
        sandbox: z.enum(SANDBOX_MODES, { error: `codex.sandbox: expected one of ${SANDBOX_MODES.join(', ')}` }),
        config: z.record(z.string(), z.unknown()),
      })
      .partial()
      .strict(),
    fix: z
      .object({
        test_command: strKey('fix.test_command'),
        test_timeout_sec: intKey('fix.test_timeout_sec', 'an integer of at least 10'),
      })
      .partial()
      .strict(),
    sandbox: z
      .object({
        mode: z.enum(UNTRUSTED_SANDBOX_MODES, { error: `sandbox.mode: expected one of ${UNTRUSTED_SANDBOX_MODES.join(', ')}` }),
        setup_network: z.boolean({ error: 'sandbox.setup_network: expected true or false' }),
        oracle_network: z.boolean({ error: 'sandbox.oracle_network: expected true or false' }),
        env: z.array(
          strKey('sandbox.env').regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'sandbox.env: expected environment variable names' }),
          { error: 'sandbox.env: expected a list of environment variable names' },
        ),
        read_only_paths: z.array(strKey('sandbox.read_only_paths'), {
          error: 'sandbox.read_only_paths: expected a list of paths',
        }),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** Clamps as the Python prototype did; each clamp is reported as a warning, not an error. */
export function clampManager(m: ManagerConfig, warnings: string[]): ManagerConfig {
  const out = { ...m };
  const clamp = (key: keyof ManagerConfig, lo: number, hi: number) => {
    const v = out[key] as number;
    const c = Math.min(hi, Math.max(lo, v));
    if (c !== v) {
      warnings.push(`manager.${key} = ${v} is outside ${lo}..${hi === Infinity ? '' : hi}; using ${c}`);
      (out[key] as number) = c;
    }
  };
  clamp('workers', 1, 6);
  clamp('timeout_sec', 60, Infinity);
  clamp('repro_validation_runs', 1, 20);
  clamp('repro_min_matches', 1, out.repro_validation_runs);
  clamp('stall_sec', 5, Infinity);
  clamp('validation_timeout_sec', 1, Infinity);
  clamp('reducer_timeout_sec', 10, Infinity);
  clamp('fix_workers', 0, 6);
  return out;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : p;
}

function resolvePath(p: string, base: string): string {
  const e = expandHome(p);
  return isAbsolute(e) ? e : resolve(base, e);
}

/** Which config file applies: --config > MMINIONS_CONFIG > ./mminions.toml > none. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new ConfigError(`config file not found: ${p} (from --config)`);
    return p;
  }
  if (env.MMINIONS_CONFIG) {
    const p = resolve(cwd, env.MMINIONS_CONFIG);
    if (!existsSync(p)) throw new ConfigError(`config file not found: ${p} (from MMINIONS_CONFIG)`);
    return p;
  }
  const local = resolve(cwd, 'mminions.toml');
  return existsSync(local) ? local : null;
}

export interface LoadConfigOptions {
  configFile?: string;
  overrides?: ConfigOverrides;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = findConfigFile(opts.configFile, env, cwd);
  let raw: unknown = {};
  if (file) {
    try {
      raw = parseToml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${file}: not valid TOML: ${(err as Error).message}`);
    }
  }
  return buildConfig(raw, { file, env, cwd, overrides: opts.overrides ?? {} });
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.join('.');
  let value: unknown = raw;
  for (const p of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => (key ? `${key}.${k}` : k)).join(', ')}`;
  }
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return issue.message.includes(':') ? `${issue.message}${shown}` : `${key}: ${issue.message}${shown}`;
}

export function buildConfig(
  raw: unknown,
  ctx: { file: string | null; env: NodeJS.ProcessEnv; cwd: string; overrides: ConfigOverrides },
): Config {
  const parsed = FileSchema.safeParse(raw);
  const where = ctx.file ?? 'configuration';
  if (!parsed.success) {
    throw new ConfigError(`${where}: ${parsed.error.issues.map((i) => describeIssue(i, raw)).join('; ')}`);
  }
  const f = parsed.data;
  const base = ctx.file ? dirname(ctx.file) : ctx.cwd;
  const warnings: string[] = [];
  const { tmux_socket, ...managerOverrides } = ctx.overrides;
  const definedOverrides = Object.fromEntries(Object.entries(managerOverrides).filter(([, v]) => v !== undefined));
  const fileManager = { ...DEFAULT_MANAGER, ...(f.manager ?? {}) };
  // Paths from the file resolve against its folder; paths from flags against the working directory.
  fileManager.repo_path = resolvePath(fileManager.repo_path, base);
  fileManager.runs_root = resolvePath(fileManager.runs_root, base);
  fileManager.worktree_root = fileManager.worktree_root ? resolvePath(fileManager.worktree_root, base) : tmpdir();
  const merged: ManagerConfig = { ...fileManager, ...definedOverrides };
  for (const k of ['repo_path', 'runs_root', 'worktree_root'] as const) {
    if (definedOverrides[k] !== undefined) merged[k] = resolvePath(String(definedOverrides[k]), ctx.cwd);
  }
  const flagCheck = FileSchema.shape.manager.unwrap().safeParse(definedOverrides);
  if (!flagCheck.success) {
    throw new ConfigError(`command line: ${flagCheck.error.issues.map((i) => describeIssue(i, definedOverrides)).join('; ')}`);
  }
  const manager = clampManager(merged, warnings);

  const socket = tmux_socket ?? ctx.env.MMINIONS_TMUX_SOCKET ?? f.tmux?.socket ?? null;
  const apiUrl = (ctx.env.MMINIONS_GITHUB_API_URL ?? f.github?.api_url ?? 'https://api.github.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiUrl))
    throw new ConfigError(`github.api_url: expected an http(s) URL (got ${JSON.stringify(apiUrl)})`);
  const home = f.codex?.home ? resolvePath(f.codex.home, base) : null;
  const sandboxMode = ctx.env.MMINIONS_SANDBOX || f.sandbox?.mode || DEFAULT_SANDBOX.mode;
  if (!(UNTRUSTED_SANDBOX_MODES as readonly string[]).includes(sandboxMode)) {
    throw new ConfigError(
      `MMINIONS_SANDBOX: expected one of ${UNTRUSTED_SANDBOX_MODES.join(', ')} (got ${JSON.stringify(sandboxMode)})`,
    );
  }
  return {
    manager,
    tmux: { socket: socket || null },
    github: { api_url: apiUrl },
    codex: {
      command: f.codex?.command ?? 'codex',
      home,
      sandbox: f.codex?.sandbox ?? 'read-only',
      config: (f.codex?.config as Record<string, unknown> | undefined) ?? {},
    },
    fix: { ...DEFAULT_FIX, ...f.fix, test_timeout_sec: Math.max(10, f.fix?.test_timeout_sec ?? DEFAULT_FIX.test_timeout_sec) },
    sandbox: {
      ...DEFAULT_SANDBOX,
      ...f.sandbox,
      mode: sandboxMode as SandboxSettings['mode'],
      read_only_paths: (f.sandbox?.read_only_paths ?? []).map((p) => resolvePath(p, base)),
    },
    meta: { file: ctx.file, warnings },
  };
}

/** Every leaf of [codex.config] as `key.path=<TOML value>` (for `codex -c`). */
export function codexConfigArgs(config: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = [...prefix, /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)];
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) walk(v as Record<string, unknown>, path);
      else out.push(`${path.join('.')}=${tomlValue(v)}`);
    }
  };
  walk(config, []);
  return out;
}

/** One TOML value as text (smol-toml only stringifies tables, so wrap and unwrap). */
export function tomlValue(v: unknown): string {
  const line = stringifyToml({ v }).trim();
  return line.replace(/^v\s*=\s*/, '');
}

/** The effective configuration as TOML, for `mminions config`. */
export function renderConfig(c: Config): string {
  const table = {
    manager: c.manager,
    tmux: c.tmux.socket ? { socket: c.tmux.socket } : {},
    github: c.github,
    codex: {
      command: c.codex.command,
      ...(c.codex.home ? { home: c.codex.home } : {}),
      sandbox: c.codex.sandbox,
      config: c.codex.config,
    },
    fix: c.fix,
    sandbox: c.sandbox,
  };
  const head = [
    `# effective configuration (file: ${c.meta.file ?? 'none, defaults'})`,
    ...c.meta.warnings.map((w) => `# warning: ${w}`),
  ];
  return `${head.join('\n')}\n${stringifyToml(table)}\n`;
}
