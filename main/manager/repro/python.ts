// Which Python interpreter validates candidates: a uv venv of the configured version, else the closest on PATH.
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

export interface ResolvedPython {
  /** Absolute path of the interpreter when known, else a command name. */
  python: string;
  source: 'uv' | 'path-match' | 'fallback';
  /** Why the result is not exactly what was asked for (null when it is). */
  diagnostic: string | null;
}

export interface ResolvePythonOptions {
  /** Where a uv venv may be created. */
  workDir: string;
  /** Bound on each subprocess (uv venv creation, version probes). */
  timeoutMs: number;
  /** PATH to search (defaults to the process's). */
  path?: string;
}

const cache = new Map<string, Promise<ResolvedPython>>();

/** Forget resolved interpreters (tests; a changed PATH). */
export function clearPythonCache(): void {
  cache.clear();
}

/** The first executable named `name` on `path`, or null. */
export function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** `3.12` matches 3.12.x; `3.12.1` matches exactly 3.12.1. */
export function versionMatches(wanted: string, actual: string): boolean {
  const w = wanted.split('.');
  const a = actual.split('.');
  return w.every((part, i) => a[i] === part);
}

interface Probe {
  version: string;
  executable: string;
}

async function probe(python: string, timeoutMs: number, path: string): Promise<Probe | null> {
  const res = await execa(
    python,
    ['-c', 'import sys; v = sys.version_info; print(f"{v[0]}.{v[1]}.{v[2]}"); print(sys.executable)'],
    {
      reject: false,
      timeout: timeoutMs,
      stdin: 'ignore',
      env: { PATH: path },
    },
  );
  if (res.exitCode !== 0) return null;
  const [version, executable] = String(res.stdout)
    .trim()
    .split('\n')
    .map((l) => l.trim());
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) return null;
  return { version, executable: executable || python };
}

async function viaUv(
  uv: string,
  version: string,
  opts: ResolvePythonOptions,
  path: string,
): Promise<{ python: string } | { error: string }> {
  const venv = join(opts.workDir, `python-${version}`);
  await mkdir(opts.workDir, { recursive: true });
  const res = await execa(uv, ['venv', '--quiet', '--allow-existing', '--python', version, venv], {
    reject: false,
    timeout: opts.timeoutMs,
    stdin: 'ignore',
    env: { PATH: path, UV_NO_PROGRESS: '1' },
  });
  if (res.exitCode !== 0) {
    const why = res.timedOut
      ? `timed out after ${opts.timeoutMs} ms`
      : String(res.stderr).trim().split('\n').pop() || `exit code ${res.exitCode}`;
    return { error: `uv could not create a Python ${version} venv (${why})` };
  }
  const python = join(venv, 'bin', 'python');
  const p = await probe(python, opts.timeoutMs, path);
  if (!p || !versionMatches(version, p.version))
    return { error: `uv created ${venv} but its python ${p ? `is ${p.version}` : 'does not run'}` };
  return { python };
}

async function resolveUncached(version: string, opts: ResolvePythonOptions): Promise<ResolvedPython> {
  const path = opts.path ?? process.env.PATH ?? '';
  const notes: string[] = [];
  const uv = findOnPath('uv', path);
  if (uv) {
    const r = await viaUv(uv, version, opts, path);
    if ('python' in r) return { python: r.python, source: 'uv', diagnostic: null };
    notes.push(r.error);
  }
  const majorMinor = version.split('.').slice(0, 2).join('.');
  let fallback: Probe | null = null;
  for (const name of [`python${majorMinor}`, 'python3']) {
    const exe = findOnPath(name, path);
    if (!exe) continue;
    const p = await probe(exe, opts.timeoutMs, path);
    if (!p) continue;
    if (versionMatches(version, p.version)) {
      return {
        python: p.executable,
        source: 'path-match',
        diagnostic: notes.length ? `${notes.join('; ')}; using ${p.executable} (${p.version})` : null,
      };
    }
    if (name === 'python3') fallback = p;
  }
  if (fallback) {
    notes.push(`Python ${version} was requested but python3 is ${fallback.version}; validating with ${fallback.executable}`);
    return { python: fallback.executable, source: 'fallback', diagnostic: notes.join('; ') };
  }
  notes.push(`Python ${version} was requested but no working python3 is on PATH`);
  return { python: 'python3', source: 'fallback', diagnostic: notes.join('; ') };
}

/** The interpreter for `version` (e.g. "3.12"), resolved once per version and PATH in this process. */
export function resolvePython(version: string, opts: ResolvePythonOptions): Promise<ResolvedPython> {
  const key = `${version}\0${opts.path ?? process.env.PATH ?? ''}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = resolveUncached(version, opts);
    cache.set(key, hit);
  }
  return hit;
}
