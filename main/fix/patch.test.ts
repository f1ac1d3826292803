// Patch capture and apply on real git worktrees; what counts as a test file; what cannot be a fix.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Worktrees } from '../git/worktrees';
import { applyPatch, capturePatch, isTestPath, patchProblem } from './patch';

let dir: string;
let repo: string;
let wts: Worktrees;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-patch-'));
  repo = join(dir, 'repo');
  await mkdir(join(repo, 'pkg'), { recursive: true });
  await writeFile(join(repo, 'pkg', 'core.py'), 'def f():\n    return 1\n');
  await writeFile(join(repo, '.gitignore'), 'ignored.txt\n');
  const g = (...a: string[]) => execa('git', ['-C', repo, ...a]);
  await g('init', '-q');
  await g('add', '.');
  await g('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
  wts = await Worktrees.open(repo, join(dir, 'wt'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('capturePatch / applyPatch', () => {
  it('captures edits and new files, leaves out scratch files, and applies to a fresh worktree', async () => {
    const a = await wts.create('a');
    await writeFile(join(a.path, 'pkg', 'core.py'), 'def f():\n    return 2\n');
    await writeFile(join(a.path, 'pkg', 'new.py'), 'X = 1\n');
    await mkdir(join(a.path, '.mminions'), { recursive: true });
    await writeFile(join(a.path, '.mminions', 'repro_x.py'), 'print(1)\n');
    await writeFile(join(a.path, 'mminions-repro-x.js'), 'console.log(1)\n');
    await mkdir(join(a.path, 'pkg', '__pycache__'), { recursive: true });
    await writeFile(join(a.path, 'pkg', '__pycache__', 'core.cpython-311.pyc'), 'x');
    await symlink(a.path, join(a.path, 'node_modules'));
    await writeFile(join(a.path, 'ignored.txt'), 'x');
    const p = await capturePatch(a);
    expect(p.files).toEqual(['pkg/core.py', 'pkg/new.py']);
    expect(p).toMatchObject({ added: 2, removed: 1 });
    expect(p.patch).toContain('+    return 2');
    expect(patchProblem(p)).toBeNull();

    const file = join(dir, 'a.patch');
    await writeFile(file, p.patch);
    const b = await wts.create('b');
    await applyPatch(b, file);
    expect(await readFile(join(b.path, 'pkg', 'core.py'), 'utf8')).toContain('return 2');
    expect(await readFile(join(b.path, 'pkg', 'new.py'), 'utf8')).toBe('X = 1\n');
    // Applied twice, it no longer applies cleanly: the reason is git's, and nothing changes.
    await expect(applyPatch(b, file)).rejects.toThrow(/does not apply cleanly/);
    await wts.removeMany([a.path, b.path]);
  });

  it('a scratch folder that is a symlink does not stop the capture', async () => {
    const a = await wts.create('s');
    await symlink(dir, join(a.path, '.mminions'));
    await writeFile(join(a.path, 'pkg', 'core.py'), 'def f():\n    return 4\n');
    expect((await capturePatch(a)).files).toEqual(['pkg/core.py']);
    await wts.remove(a.path);
  });

  it('counts commits the agent made in its worktree', async () => {
    const a = await wts.create('c');
    await writeFile(join(a.path, 'pkg', 'core.py'), 'def f():\n    return 3\n');
    await execa('git', ['-C', a.path, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'agent']);
    expect((await capturePatch(a)).files).toEqual(['pkg/core.py']);
    await wts.remove(a.path);
  });

  it('an untouched worktree gives an empty patch, which cannot be a fix', async () => {
    const a = await wts.create('d');
    const p = await capturePatch(a);
    expect(p).toEqual({ patch: '', files: [], added: 0, removed: 0 });
    expect(patchProblem(p)).toMatch(/empty patch/);
    await wts.remove(a.path);
  });
});

describe('test files', () => {
  it('knows the usual conventions', () => {
    for (const f of [
      'tests/test_core.py',
      'pkg/test_x.py',
      'pkg/x_test.py',
      'conftest.py',
      'test/a.test.js',
      'src/a.spec.ts',
      '__tests__/a.js',
      'x_test.go',
      'spec/a_spec.rb',
    ])
      expect(isTestPath(f), f).toBe(true);
    for (const f of ['pkg/core.py', 'lib/textkit.js', 'contest.py', 'latest/x.py']) expect(isTestPath(f), f).toBe(false);
  });
  it('a patch of only tests is no fix; tests beside code are fine', () => {
    const base = { patch: 'diff', added: 1, removed: 0 };
    expect(patchProblem({ ...base, files: ['tests/test_core.py'] })).toMatch(/only changes test files/);
    expect(patchProblem({ ...base, files: ['tests/test_core.py', 'pkg/core.py'] })).toBeNull();
  });
});
