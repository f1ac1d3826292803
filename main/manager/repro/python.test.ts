import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearPythonCache, resolvePython, versionMatches } from './python';

let dir: string;
let bin: string;
let version: string; // of the python3 on this machine, e.g. 3.11.7
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-python-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  // A PATH holding only the machine's real python3, so the test controls what is found.
  const res = await execa(
    'python3',
    ['-c', 'import sys; v = sys.version_info; print(f"{v[0]}.{v[1]}.{v[2]}"); print(sys.executable)'],
    { timeout: 10_000 },
  );
  const [v, exe] = res.stdout.trim().split('\n');
  version = v as string;
  await symlink(exe as string, join(bin, 'python3'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => clearPythonCache());

const majorMinor = () => version.split('.').slice(0, 2).join('.');

describe('resolvePython', () => {
  it('uses a python3 on PATH whose version matches, and caches the answer', async () => {
    const opts = { workDir: join(dir, 'work'), timeoutMs: 10_000, path: bin };
    const first = resolvePython(majorMinor(), opts);
    expect(resolvePython(majorMinor(), opts)).toBe(first);
    const r = await first;
    expect(r).toMatchObject({ source: 'path-match', diagnostic: null });
    const check = await execa(r.python, ['--version'], { timeout: 10_000 });
    expect(check.stdout).toContain(`Python ${version}`);
  });

  it('falls back to python3 with a diagnostic when no interpreter has the version', async () => {
    const r = await resolvePython('3.99', { workDir: join(dir, 'work'), timeoutMs: 10_000, path: bin });
    expect(r.source).toBe('fallback');
    expect(r.diagnostic).toContain(`Python 3.99 was requested but python3 is ${version}`);
  });

  it('falls through with a diagnostic when uv cannot make the venv', async () => {
    const withUv = join(dir, 'bin-uv');
    await mkdir(withUv);
    await symlink(join(bin, 'python3'), join(withUv, 'python3'));
    await writeFile(
      join(withUv, 'uv'),
      '#!/bin/sh\necho "error: No interpreter found for Python $4 in managed installations" >&2\nexit 2\n',
    );
    await chmod(join(withUv, 'uv'), 0o755);
    const r = await resolvePython(majorMinor(), {
      workDir: join(dir, 'work'),
      timeoutMs: 10_000,
      path: `${withUv}:/bin:/usr/bin`,
    });
    expect(r.source).toBe('path-match');
    expect(r.diagnostic).toMatch(/uv could not create a Python [\d.]+ venv \(error: No interpreter found/);
  });

  it('compares versions by the components asked for', () => {
    expect(versionMatches('3.12', '3.12.4')).toBe(true);
    expect(versionMatches('3.12.1', '3.12.4')).toBe(false);
    expect(versionMatches('3.1', '3.12.0')).toBe(false);
  });
});
