import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturePatch } from '../fix/patch';
import { GitError, isRunWorktree, repoTopLevel, resolveCommit, Worktrees } from './worktrees';

let dir: string;
let repo: string;
let first: string;
let second: string;

async function g(...args: string[]) {
  return (await execa('git', ['-C', repo, ...args])).stdout;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-wt-'));
  repo = join(dir, 'repo');
  await mkdir(repo);
  await g('init', '-q');
  await g('config', 'user.email', 't@example.com');
  await g('config', 'user.name', 'T');
  await writeFile(join(repo, 'a.txt'), 'one\n');
  await g('add', '.');
  await g('commit', '-qm', 'one');
  first = (await g('rev-parse', 'HEAD')).trim();
  await writeFile(join(repo, 'a.txt'), 'two\n');
  await g('commit', '-qam', 'two');
  second = (await g('rev-parse', 'HEAD')).trim();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Worktrees', () => {
  it('creates detached worktrees at HEAD or a commit, lists and removes them', async () => {
    const wts = await Worktrees.open(repo, join(dir, 'wt'));
    const head = await wts.create('r1-w1');
    const old = await wts.create('r1-w2', first);
    expect(head.commit).toBe(second);
    // Each one's admin folder is found from the repository's side (not by asking git inside the
    // worktree, whose .git file a writer of the worktree root could have replaced).
    expect(head.gitDir).toBe(join(repo, '.git', 'worktrees', 'mminions-r1-w1'));
    expect(old.gitDir).toBe(join(repo, '.git', 'worktrees', 'mminions-r1-w2'));
    expect(await readFile(join(head.path, 'a.txt'), 'utf8')).toBe('two\n');
    expect(await readFile(join(old.path, 'a.txt'), 'utf8')).toBe('one\n');
    expect((await wts.list()).map((w) => w.path).sort()).toEqual([head.path, old.path].sort());
    // The user's checkout is untouched.
    expect(await g('status', '--porcelain')).toBe('');
    await wts.remove(head.path);
    await wts.remove(old.path);
    expect(existsSync(head.path)).toBe(false);
    expect(await wts.list()).toEqual([]);
    await wts.remove(old.path); // already gone: quiet
  });

  it("tells a run's own worktrees from those of a run whose id extends it", () => {
    const id = 'run-20260101000000';
    for (const n of ['w1', 'w12', 'min', 'val-w2']) expect(isRunWorktree(`/wt/mminions-${id}-${n}`, id)).toBe(true);
    for (const n of ['2-w1', '2-min', '2-val-w2', 'env', '']) expect(isRunWorktree(`/wt/mminions-${id}-${n}`, id)).toBe(false);
  });

  it('removes several worktrees at once: folders and git records, other worktrees untouched', async () => {
    const wts = await Worktrees.open(repo, join(dir, 'wt'));
    const [a, b, keep] = await Promise.all([wts.create('m-a'), wts.create('m-b'), wts.create('m-keep')]);
    await writeFile(join(a!.path, 'dirty.txt'), 'x');
    await wts.removeMany([a!.path, b!.path, join(dir, 'wt', 'mminions-never-made')]);
    expect(existsSync(a!.path) || existsSync(b!.path)).toBe(false);
    expect((await wts.list()).map((w) => w.path)).toEqual([keep!.path]);
    expect(await g('worktree', 'list', '--porcelain')).not.toContain('prunable');
    await wts.removeMany([keep!.path]);
    expect(await wts.list()).toEqual([]);
  });

  it('replaces a leftover folder from a crashed run', async () => {
    const wts = await Worktrees.open(repo, join(dir, 'wt'));
    await mkdir(join(dir, 'wt', 'mminions-again'), { recursive: true });
    await writeFile(join(dir, 'wt', 'mminions-again', 'junk'), 'x');
    const w = await wts.create('again');
    expect(existsSync(join(w.path, 'junk'))).toBe(false);
    await wts.remove(w.path);
  });

  it('refuses paths that are not git work trees, with a clear error', async () => {
    await mkdir(join(dir, 'plain'));
    await expect(Worktrees.open(join(dir, 'plain'), dir)).rejects.toThrow(/not a git work tree/);
    await expect(Worktrees.open(join(dir, 'missing'), dir)).rejects.toThrow(/does not exist/);
    await expect(Worktrees.open('relative/path', dir)).rejects.toThrow(/must be absolute/);
    await writeFile(join(dir, 'file'), 'x');
    await expect(repoTopLevel(join(dir, 'file'))).rejects.toBeInstanceOf(GitError);
  });

  it('refuses unknown or option-like revisions', async () => {
    await expect(resolveCommit(repo, 'deadbeef')).rejects.toThrow(/unknown commit/);
    await expect(resolveCommit(repo, '--output=/tmp/x')).rejects.toThrow(/invalid revision/);
    const wts = await Worktrees.open(repo, join(dir, 'wt'));
    await expect(wts.create('../x')).rejects.toThrow(/invalid worktree name/);
  });
});

describe('what a repository could plant never runs in our git calls', () => {
  it('ignores hooks and fsmonitor commands of the repository, and a rewritten .git file in a worktree', async () => {
    const ran = join(dir, 'ran');
    const hook = `#!/bin/sh\necho "$0" >> ${ran}\n`;
    for (const h of ['post-checkout', 'pre-commit', 'post-index-change', 'reference-transaction']) {
      await writeFile(join(repo, '.git', 'hooks', h), hook, { mode: 0o755 });
    }
    await writeFile(join(dir, 'fsmonitor.sh'), hook, { mode: 0o755 });
    await g('config', 'core.fsmonitor', join(dir, 'fsmonitor.sh'));
    // Our own hooks do run for a plain git call (the test is meaningful):
    await execa('git', ['-C', repo, 'checkout', '-q', '--detach', 'HEAD']);
    expect(existsSync(ran)).toBe(true);
    await rm(ran);

    const wts = await Worktrees.open(repo, join(dir, 'wt'));
    const w = await wts.create('r1-w1');
    await writeFile(join(w.path, 'new.txt'), 'x\n');
    // What ran in the worktree points its .git file at a repository of its own, with a hostile config.
    const evil = join(w.path, 'evil-git');
    await execa('git', ['init', '-q', '--bare', evil]);
    await execa('git', ['--git-dir', evil, 'config', 'core.fsmonitor', join(dir, 'fsmonitor.sh')]);
    await writeFile(join(w.path, '.git'), `gitdir: ${evil}\n`);
    const { patch } = await capturePatch(w);
    expect(patch).toContain('new.txt');
    await wts.remove(w.path);
    expect(existsSync(ran)).toBe(false);
  });
});
