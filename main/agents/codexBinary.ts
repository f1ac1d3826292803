// The Codex CLI's npm package starts with a Node script (bin/codex.js) whose only job is to find the
// native binary of its platform package and run it. Starting Node for that costs 0.1–0.3 s on every
// codex start (each worker, the reducer, preflight). When `codex.command` is that script, we run the
// native binary it would run, with the environment it would set; anything else is used as given.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { findExecutable } from '../process/findExecutable';

/** Rust target triples of the platform packages, as the npm wrapper maps them. */
const TARGETS: Record<string, { triple: string; pkg: string }> = {
  'linux-x64': { triple: 'x86_64-unknown-linux-musl', pkg: '@openai/codex-linux-x64' },
  'linux-arm64': { triple: 'aarch64-unknown-linux-musl', pkg: '@openai/codex-linux-arm64' },
  'darwin-x64': { triple: 'x86_64-apple-darwin', pkg: '@openai/codex-darwin-x64' },
  'darwin-arm64': { triple: 'aarch64-apple-darwin', pkg: '@openai/codex-darwin-arm64' },
};

export interface NativeCodex {
  /** The native executable. */
  path: string;
  /** What the npm wrapper adds to the environment before it runs the binary. */
  env: Record<string, string>;
  /** The npm package the binary belongs to. */
  packageRoot: string;
}

const cache = new Map<string, NativeCodex | null>();

function find(command: string, env: NodeJS.ProcessEnv): NativeCodex | null {
  const target = TARGETS[`${process.platform}-${process.arch}`];
  const found = findExecutable(command, env);
  if (!target || !found) return null;
  const script = realpathSync(found);
  if (basename(script) !== 'codex.js' || basename(dirname(script)) !== 'bin') return null;
  const root = dirname(dirname(script));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown };
  if (pkg.name !== '@openai/codex') return null;
  let vendor: string;
  try {
    vendor = join(dirname(createRequire(join(root, 'package.json')).resolve(`${target.pkg}/package.json`)), 'vendor');
  } catch {
    vendor = join(root, 'vendor');
  }
  const path = join(vendor, target.triple, 'bin', 'codex');
  if (!existsSync(path)) return null;
  return { path, env: { CODEX_MANAGED_BY_NPM: '1', CODEX_MANAGED_PACKAGE_ROOT: root }, packageRoot: root };
}

/**
 * The native binary behind `command` when it is the npm package's launcher script (found on
 * env.PATH like a shell would), else null. Looked up once per command and PATH. Set
 * MMINIONS_CODEX_VIA_NODE=1 to always run the command as given.
 */
export function nativeCodex(command: string, env: NodeJS.ProcessEnv = process.env): NativeCodex | null {
  if (process.env.MMINIONS_CODEX_VIA_NODE === '1') return null;
  const key = `${command}\u0000${env.PATH ?? ''}`;
  const known = cache.get(key);
  if (known === undefined || (known && !existsSync(known.path))) {
    let result: NativeCodex | null = null;
    try {
      result = find(command, env);
    } catch {
      result = null; // unreadable package: use the command as given
    }
    cache.set(key, result);
  }
  return cache.get(key) ?? null;
}
