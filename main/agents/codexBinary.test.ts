import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN } from '../../testkit/codexHome';
import { nativeCodex } from './codexBinary';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-codexbin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nativeCodex', () => {
  it('finds the native binary behind the npm launcher (by path or on PATH), and it answers like the launcher', async () => {
    const native = nativeCodex(CODEX_BIN);
    expect(native, 'the pinned @openai/codex has a native binary for this platform').not.toBeNull();
    expect(native!.path).toMatch(/vendor\/[^/]+\/bin\/codex$/);
    expect(native!.env).toMatchObject({ CODEX_MANAGED_BY_NPM: '1' });
    const viaLauncher = execFileSync(CODEX_BIN, ['--version'], { encoding: 'utf8' }).trim();
    const direct = execFileSync(native!.path, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, ...native!.env },
    }).trim();
    expect(direct).toBe(viaLauncher);
    // A bare `codex` found on PATH through a symlink, as a global npm install makes it.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await symlink(CODEX_BIN, join(bin, 'codex'));
    expect(nativeCodex('codex', { PATH: bin })?.path).toBe(native!.path);
  });

  it('leaves any other command alone: a plain script, a missing command', async () => {
    const script = join(dir, 'my-codex');
    await writeFile(script, '#!/bin/sh\necho 1\n');
    await chmod(script, 0o755);
    expect(nativeCodex(script)).toBeNull();
    expect(nativeCodex(join(dir, 'missing', 'codex'))).toBeNull();
    expect(nativeCodex('codex', { PATH: join(dir, 'empty') })).toBeNull();
  });
});
