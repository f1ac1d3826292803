// Writing into a worktree that sandboxed commands have used: links they planted are never followed.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDirInside, linkPackage, reproFilePath, writeReproFile } from './reproFiles';

let dir: string;
let wt: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-reprofiles-'));
  wt = join(dir, 'wt');
  outside = join(dir, 'home');
  await mkdir(wt);
  await mkdir(outside);
  await writeFile(join(outside, 'repro_c1.py'), 'precious\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReproFile', () => {
  it('replaces a link at the path and a linked .mminions folder instead of writing through them', async () => {
    await mkdir(join(wt, '.mminions'));
    await symlink(join(outside, 'repro_c1.py'), join(wt, '.mminions', 'repro_c1.py'));
    const path = reproFilePath(wt, 'c1', 'py');
    await writeReproFile(wt, path, 'print(1)\n');
    expect(await readFile(path, 'utf8')).toBe('print(1)\n');
    expect(await readFile(join(outside, 'repro_c1.py'), 'utf8')).toBe('precious\n');

    // The whole folder a link to the outside: the manager makes a real one.
    await rm(join(wt, '.mminions'), { recursive: true });
    await symlink(outside, join(wt, '.mminions'));
    await writeReproFile(wt, path, 'print(2)\n');
    expect((await lstat(join(wt, '.mminions'))).isDirectory()).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('print(2)\n');
    expect(await readdir(outside)).toEqual(['repro_c1.py']);
    expect(await readFile(join(outside, 'repro_c1.py'), 'utf8')).toBe('precious\n');
  });

  it('refuses a path outside the worktree', async () => {
    await expect(writeReproFile(wt, join(dir, 'elsewhere.py'), 'x')).rejects.toThrow(/not inside/);
    await expect(ensureDirInside(wt, join(wt, '..', 'home'))).rejects.toThrow(/not inside/);
  });

  it('parallel probes creating the same folder do not trip over each other', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => writeReproFile(wt, reproFilePath(wt, 'c1', 'py', `_${i}`), `print(${i})\n`)),
    );
    expect((await readdir(join(wt, '.mminions'))).length).toBe(8);
  });
});

describe('linkPackage', () => {
  it('does not follow a node_modules link a command planted: the package link goes into a real folder', async () => {
    await writeFile(join(wt, 'package.json'), JSON.stringify({ name: '@scope/pkg' }));
    await symlink(outside, join(wt, 'node_modules'));
    await linkPackage(wt);
    expect((await lstat(join(wt, 'node_modules'))).isDirectory()).toBe(true);
    expect(await readlink(join(wt, 'node_modules', '@scope', 'pkg'))).toBe('../..');
    expect(await readdir(outside)).toEqual(['repro_c1.py']);
  });
});
