// The sandbox every untrusted command runs in (bubblewrap): read-only root, only its worktree writable, a private HOME and /tmp, no network, its own PID namespace.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type SandboxSettings, UNTRUSTED_SANDBOX_MODES } from '../../common/config';
import { findExecutable } from './findExecutable';
import { runProcess } from './run';
import type { ProcessTracker } from './tracker';

export const SANDBOX_MODES = UNTRUSTED_SANDBOX_MODES;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
/** The `[sandbox]` table of mminions.toml (common/config.ts). */
export type { SandboxSettings };

export const DEFAULT_SANDBOX: SandboxSettings = {
  mode: 'auto',
  setup_network: true,
  oracle_network: false,
  env: [],
  read_only_paths: [],
};

/** A resolved sandbox: how untrusted commands of this process run. */
export interface Sandbox {
  /** `bwrap` when commands are contained; `none` when they run on the host (mode off, or auto without bwrap). */
  kind: 'bwrap' | 'none';
  mode: SandboxMode;
  bwrap: string | null;
  /** One line for people: what contains the commands, or why nothing does and how to fix it. */
  summary: string;
  settings: SandboxSettings;
  /** The user's HOME (replaced by a private one inside the sandbox). */
  home: string;
  /** Folders hidden from commands (an empty tmpfs over each): the runs root, the user's checkout, codex's home. */
  hidden: string[];
  /** Folders bound read-only after the hiding: toolchains under HOME, the repository's git metadata. */
  readOnly: string[];
  /**
   * Files shown with other content: the repository's git config becomes a copy holding only its core
   * format settings (remote URLs and http headers can hold credentials).
   */
  masked: Array<{ path: string; replacement: string }>;
  /** Records every command's process group while it runs (a run's meta/processes/), for `stop` after a crash. */
  tracker?: ProcessTracker;
}

export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

// ---------- environment ----------

/** Variables untrusted commands get from the manager's environment (more with [sandbox] env). */
const ALLOWED_ENV = [
  'PATH',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TZ',
  'USER',
  'LOGNAME',
  'SHELL',
  'PYENV_ROOT',
  'PYENV_VERSION',
  'NVM_DIR',
  'NVM_BIN',
  'NVM_INC',
  'VOLTA_HOME',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'GOROOT',
  'GOPATH',
  'JAVA_HOME',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'VIRTUAL_ENV',
  'UV_PYTHON_INSTALL_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
];
/** Only for commands that may reach the network (setup), and only without credentials in them. */
const NETWORK_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

/** Names that look like secrets: never passed to an untrusted command, whoever asks. */
export const SECRET_NAME =
  /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|COOKIE|SESSION|_KEY$|^AWS_|^AZURE_|^GOOGLE_APPLICATION|^GCP_|^GCLOUD_|^CLOUDSDK_|^DIGITALOCEAN_|^HEROKU_|^NPM_CONFIG_|^PIP_INDEX|^UV_INDEX|^TWINE_|^DOCKER_|^KUBECONFIG$|^SSH_AUTH_SOCK$|^GPG_|^GNUPGHOME$/i;

/**
 * The environment of an untrusted command: the allow-listed variables of `base`, then `own` (what
 * the command needs: PYTHONPATH, NODE_PATH, ...), never a secret-looking name; HOME and TMPDIR set.
 */
export function untrustedEnv(o: {
  base?: NodeJS.ProcessEnv;
  own?: Record<string, string | undefined>;
  extra?: string[];
  network: boolean;
  home: string;
}): Record<string, string> {
  const base = o.base ?? process.env;
  const env: Record<string, string> = {};
  const names = new Set([...ALLOWED_ENV, ...(o.extra ?? []), ...(o.network ? NETWORK_ENV : [])]);
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (names.has(k) || k.startsWith('LC_')) env[k] = v;
  }
  for (const [k, v] of Object.entries(o.own ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  for (const k of Object.keys(env)) {
    if (SECRET_NAME.test(k)) delete env[k];
    else if (NETWORK_ENV.includes(k) && /\/\/[^/]*@/.test(env[k] ?? '')) delete env[k]; // user:password@proxy
  }
  env.HOME = o.home;
  env.TMPDIR = '/tmp';
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}

// ---------- what the sandbox exposes ----------

/** Folders under HOME that hold toolchains (interpreters, package managers), never secrets. */
const TOOLCHAIN_ROOTS = [
  '.pyenv',
  '.nvm',
  '.volta',
  '.asdf',
  '.cargo',
  '.rustup',
  '.bun',
  '.deno',
  '.sdkman',
  '.fnm',
  '.local/share/uv',
  '.local/share/mise',
  '.local/share/fnm',
  '.local/share/pnpm',
  '.local/bin',
  '.local/lib',
  'miniconda3',
  'anaconda3',
  'miniforge3',
  'mambaforge',
  '.conda',
  '.juliaup',
  '.ghcup',
  '.elan',
  '.dotnet',
  'go',
  'sdk',
];
/** Never exposed, even when a PATH entry or a setting points there. */
const SECRET_PLACES = [
  '.ssh',
  '.aws',
  '.azure',
  '.gnupg',
  '.config',
  '.docker',
  '.kube',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.codex',
  '.cache',
];

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A path under HOME that is safe to expose read-only: its toolchain root, else itself (null when it is a secret place). */
export function toolchainMount(path: string, home: string): string | null {
  const rel = relative(home, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split(sep);
  if (SECRET_PLACES.some((s) => parts.slice(0, s.split('/').length).join('/') === s)) return null;
  const root = TOOLCHAIN_ROOTS.find((t) => rel === t || rel.startsWith(`${t}/`));
  return join(home, root ?? rel);
}

/** Toolchains under HOME that commands need: PATH entries, node, the given interpreters, configured extras. */
export function toolchainPaths(o: { env: NodeJS.ProcessEnv; home: string; interpreters?: string[]; extra?: string[] }): string[] {
  const out = new Set<string>();
  const consider = (p: string) => {
    if (!isAbsolute(p)) return;
    for (const q of new Set([p, safeRealpath(p)])) {
      const m = toolchainMount(q, o.home);
      if (m) out.add(m);
    }
  };
  for (const dir of (o.env.PATH ?? '').split(delimiter)) consider(dir);
  consider(dirname(dirname(process.execPath)));
  for (const exe of o.interpreters ?? []) {
    // An interpreter's prefix (bin/..), for the real file behind a venv or shim too.
    consider(dirname(dirname(exe)));
    consider(dirname(dirname(safeRealpath(exe))));
  }
  for (const p of o.extra ?? []) if (isAbsolute(p)) out.add(p);
  return [...out].sort();
}

/** Git settings a command inside the repository may see: how to read it, nothing that runs or authenticates. */
const SAFE_GIT_KEYS = new Set([
  'repositoryformatversion',
  'bare',
  'filemode',
  'symlinks',
  'ignorecase',
  'precomposeunicode',
  'logallrefupdates',
  'autocrlf',
  'eol',
  'compression',
  'bigfilethreshold',
]);

/**
 * The repository's git config cut to its [core] format keys and [extensions] (e.g. objectformat):
 * no remotes (URLs with tokens), http headers, credential helpers, hooks or commands. Pure.
 */
export function sanitizeGitConfig(text: string): string {
  const out: string[] = [];
  let section: 'core' | 'extensions' | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)\s*(?:"[^"]*")?\s*\]/.exec(line);
    if (header) {
      const name = header[1]!.toLowerCase();
      section = name === 'core' && !line.includes('"') ? 'core' : name === 'extensions' ? 'extensions' : null;
      if (section) out.push(`[${section}]`);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*([^;#\\]*?)\s*$/.exec(line);
    if (!section || !kv) continue;
    const key = kv[1]!.toLowerCase();
    if (section === 'extensions' || SAFE_GIT_KEYS.has(key)) out.push(`\t${key} = ${kv[2]}`);
  }
  return `${out.join('\n')}\n`;
}

// ---------- resolving the sandbox ----------

const PROBE_TIMEOUT_MS = 5_000;

/** Nothing outlives the command, it cannot reach a terminal, it has no capabilities. */
const CONTAINMENT = ['--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--hostname', 'mminions-sandbox'];
/** The root read-only, fresh /dev and /proc, a private /tmp, /var/tmp and /run. */
const ROOT_VIEW = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  '--tmpfs',
  '/var/tmp',
  '--tmpfs',
  '/run',
];

/** Runs `true` in the strictest sandbox we use; null when it works, else why not and what to do. */
export async function probeBwrap(bwrap: string): Promise<string | null> {
  const r = await runProcess([bwrap, '--unshare-all', ...CONTAINMENT, ...ROOT_VIEW, 'true'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  if (r.exitCode === 0) return null;
  const why =
    r.spawnError ??
    (r.timedOut ? `timed out after ${PROBE_TIMEOUT_MS} ms` : r.output.trim().split('\n').pop() || `exit ${r.exitCode}`);
  const hint = /permission|not permitted|namespace|setting up uid map|No permissions/i.test(why)
    ? 'user namespaces seem disabled: on Ubuntu 24.04+ allow them for bwrap (an AppArmor profile for /usr/bin/bwrap, or `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`); elsewhere check `sysctl kernel.unprivileged_userns_clone`'
    : 'check that bubblewrap works: `bwrap --unshare-all --ro-bind / / true`';
  return `bubblewrap (${bwrap}) cannot start a sandbox: ${why}; ${hint}`;
}

const probes = new Map<string, Promise<string | null>>();

/** probeBwrap, once per binary in this process (a preflight and a run ask the same question). */
export function probeBwrapOnce(bwrap: string): Promise<string | null> {
  let p = probes.get(bwrap);
  if (!p) {
    p = probeBwrap(bwrap);
    probes.set(bwrap, p);
  }
  return p;
}

export interface SandboxContext {
  /** The user's checkout: hidden (its git metadata stays readable, not writable, its config masked). */
  repoPath?: string;
  /** The repository's git folder (`git rev-parse --git-common-dir`), when known; default `<repoPath>/.git`. */
  gitCommonDir?: string;
  /** A folder of the run's own (never shown to commands) for the sanitized git config; needed with repoPath. */
  stateDir?: string;
  /** Hidden: they hold other runs, the API token, codex's credentials. */
  runsRoot?: string;
  codexHome?: string | null;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Records the process groups of the commands (see Sandbox.tracker). */
  tracker?: ProcessTracker;
}

/**
 * Decides how untrusted commands run here: bubblewrap when it works; for mode `bwrap` a missing or
 * broken bubblewrap is an error; for `auto` it falls back to running unsandboxed, and the summary says so.
 */
export async function resolveSandbox(settings: SandboxSettings, ctx: SandboxContext = {}): Promise<Sandbox> {
  const env = ctx.env ?? process.env;
  const home = resolve(ctx.home ?? env.HOME ?? homedir());
  const base = {
    mode: settings.mode,
    settings,
    tracker: ctx.tracker,
    home,
    hidden: [] as string[],
    readOnly: [] as string[],
    masked: [] as Sandbox['masked'],
  };
  if (settings.mode === 'off') {
    return {
      ...base,
      kind: 'none',
      bwrap: null,
      summary: 'off ([sandbox] mode = "off"): untrusted commands run on this machine unsandboxed',
    };
  }
  const bwrap = findExecutable('bwrap', env);
  const problem = bwrap
    ? await probeBwrapOnce(bwrap)
    : 'bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`)';
  if (problem) {
    if (settings.mode === 'bwrap') throw new SandboxError(`${problem} ([sandbox] mode = "bwrap" requires it)`);
    return {
      ...base,
      kind: 'none',
      bwrap: null,
      summary: `UNSANDBOXED: ${problem}. Until then untrusted commands run on this machine with your files ([sandbox] mode = "auto")`,
    };
  }
  const hidden = [ctx.runsRoot, ctx.codexHome ?? undefined, ctx.repoPath].filter((p): p is string => !!p).map((p) => resolve(p));
  const readOnly: string[] = [];
  const masked: Sandbox['masked'] = [];
  if (ctx.repoPath) {
    const gitDir = resolve(ctx.repoPath, ctx.gitCommonDir ?? '.git');
    if (existsSync(gitDir) && statSync(gitDir).isDirectory()) {
      readOnly.push(gitDir);
      const config = join(gitDir, 'config');
      if (existsSync(config)) {
        if (!ctx.stateDir) throw new SandboxError('resolveSandbox: a stateDir is needed to mask the repository git config');
        const replacement = join(ctx.stateDir, 'sandbox-git-config');
        await mkdir(ctx.stateDir, { recursive: true });
        await writeFile(replacement, sanitizeGitConfig(await readFile(config, 'utf8')));
        masked.push({ path: config, replacement });
      }
    }
  }
  return {
    ...base,
    kind: 'bwrap',
    bwrap,
    summary: `bubblewrap (${bwrap}): read-only root, only the worktree writable, private HOME and /tmp, no network${settings.setup_network ? ' (setup commands may reach it)' : ''}`,
    hidden: hidden.filter((h) => h !== '/' && h !== home),
    readOnly,
    masked,
  };
}

// ---------- one command ----------

export interface ContainOptions {
  /** Where the command starts; inside `writable`. */
  cwd: string;
  /** The only paths it may write (its worktree, an eval's env folder). */
  writable: string[];
  /** A folder on this machine that becomes its HOME (kept between a candidate's setup and its runs). */
  home: string;
  network: boolean;
  /** Interpreters it will run (their prefixes are exposed read-only when they live in a hidden place). */
  interpreters?: string[];
  /** More paths it may read though they live in a hidden place (an eval's oracle script). */
  readable?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * The bwrap argv that runs `command` contained. Order matters: the root read-only, then what is hidden
 * (empty tmpfs), then HOME, then what is readable again, then masks, then what is writable.
 */
export function bwrapArgv(sb: Sandbox, o: ContainOptions, command: string[]): string[] {
  if (!sb.bwrap) throw new SandboxError('bwrapArgv needs a bubblewrap sandbox');
  const args = [sb.bwrap, '--unshare-all'];
  if (o.network) args.push('--share-net');
  args.push(...CONTAINMENT, ...ROOT_VIEW);
  // DNS on systemd-resolved machines lives under /run; only commands with the network need it.
  if (o.network) args.push('--ro-bind-try', '/run/systemd/resolve', '/run/systemd/resolve');
  const writable = [...new Set(o.writable.map((p) => resolve(p)))];
  // A worktree inside a hidden folder comes back with its own bind below.
  for (const h of sb.hidden) args.push('--tmpfs', h);
  args.push('--bind', resolve(o.home), sb.home);
  const readOnly = new Set([
    ...toolchainPaths({
      env: o.env ?? process.env,
      home: sb.home,
      interpreters: o.interpreters,
      extra: sb.settings.read_only_paths,
    }),
    ...sb.readOnly,
    ...(o.readable ?? []).map((p) => resolve(p)),
  ]);
  for (const exe of o.interpreters ?? []) {
    // An interpreter in a hidden place (a uv venv in the run folder): its prefix and the real one behind it.
    for (const p of [dirname(dirname(exe)), dirname(dirname(safeRealpath(exe)))]) {
      if (isAbsolute(p) && sb.hidden.some((h) => isInside(p, h))) readOnly.add(p);
    }
  }
  for (const p of readOnly) args.push('--ro-bind-try', p, p);
  for (const m of sb.masked) args.push('--ro-bind', m.replacement, m.path);
  for (const w of writable) args.push('--bind', w, w);
  args.push('--chdir', resolve(o.cwd), '--', ...command);
  return args;
}
