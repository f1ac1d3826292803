import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  checkEvidence,
  enclosingFunction,
  fileLines,
  findSnippetLine,
  makeRepoReader,
  resolveEvidencePath,
  type RepoReader,
} from './evidence';

// statsmini/core.py at the commit under test; line numbers are referred to below.
const CORE = `${[
  '"""Small statistics helpers."""', //            1
  '', //                                             2
  '', //                                             3
  'def mean(xs):', //                                4
  '    if not xs:', //                               5
  '        raise ValueError("mean of empty data")', // 6
  '    return sum(xs) / len(xs)', //                 7
  '', //                                             8
  '', //                                             9
  'def convolve(signal, kernel):', //                10
  '    # normalise argument order', //               11
  '    if len(kernel) > len(signal):', //            12
  '        signal, kernel = kernel, signal', //      13
  '    if not signal:', //                           14
  '        raise ValueError("signal must not be empty")', // 15
  '    if not kernel:', //                           16
  '        raise ValueError("kernel must not be empty")', // 17
  '    out = []', //                                 18
  '    for i in range(len(signal) - len(kernel) + 1):', // 19
  '        out.append(sum(signal[i + j] * kernel[j] for j in range(len(kernel))))', // 20
  '    return out', //                               21
].join('\n')}\n`;

const SWAP = 'signal, kernel = kernel, signal';

let root: string;
let repo: string;
let outside: string;
let commit: string;
let read: RepoReader;

async function git(...args: string[]): Promise<string> {
  const r = await execa('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args]);
  return r.stdout;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mminions-evidence-'));
  repo = path.join(root, 'repo');
  outside = path.join(root, 'outside');
  await mkdir(path.join(repo, 'statsmini'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'core.py'), CORE);
  await execa('git', ['init', '-q', repo]);
  await writeFile(path.join(repo, 'statsmini', 'core.py'), CORE);
  await writeFile(path.join(repo, 'statsmini', 'gone.py'), 'def gone():\n    return 1\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'initial');
  commit = (await git('rev-parse', 'HEAD')).trim();
  // The working tree moves on after the commit: lines shift, a file disappears, a new one appears.
  await writeFile(path.join(repo, 'statsmini', 'core.py'), `# header\n# header\n# header\n# header\n# header\n${CORE}`);
  await rm(path.join(repo, 'statsmini', 'gone.py'));
  await writeFile(path.join(repo, 'statsmini', 'new.py'), 'def new():\n    return 2\n');
  read = makeRepoReader(repo, commit);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const ev = (file: string, line: number, snippet: string) => ({ file, line, snippet });

describe('checkEvidence against a real repository at a commit', () => {
  test('exact line is valid and names its function', async () => {
    const r = await checkEvidence(ev('statsmini/core.py', 13, SWAP), read);
    expect(r).toMatchObject({ valid: true, normalizedFile: 'statsmini/core.py', matchedLine: 13, enclosingFunction: 'convolve' });
  });

  test('the working tree after the commit does not affect the check', async () => {
    // In the working tree line 13 is now line 18; the commit is what counts.
    expect((await checkEvidence(ev('statsmini/core.py', 18, SWAP), read)).valid).toBe(false);
    expect((await checkEvidence(ev('statsmini/gone.py', 2, 'return 1'), read)).valid).toBe(true);
    const untracked = await checkEvidence(ev('statsmini/new.py', 2, 'return 2'), read);
    expect(untracked.valid).toBe(false);
    expect(untracked.reason).toContain('does not exist');
  });

  test('a snippet 2 lines from the claimed line is valid; 5 lines away is not', async () => {
    const near = await checkEvidence(ev('statsmini/core.py', 15, SWAP), read);
    expect(near).toMatchObject({ valid: true, matchedLine: 13 });
    expect(near.reason).toContain('claimed line 15');
    const far = await checkEvidence(ev('statsmini/core.py', 18, SWAP), read);
    expect(far).toMatchObject({ valid: false, matchedLine: null, normalizedFile: 'statsmini/core.py' });
    expect(far.reason).toContain('not found within ±3 lines');
  });

  test('whitespace differences do not matter', async () => {
    for (const snippet of ['signal,kernel=kernel,signal', `   ${SWAP}\t  `, 'signal ,  kernel = kernel ,\tsignal']) {
      expect((await checkEvidence(ev('statsmini/core.py', 13, snippet), read)).valid).toBe(true);
    }
  });

  test('a multi-line snippet matches on its first non-empty line', async () => {
    const snippet = `\n\n    if len(kernel) > len(signal):\n        this line is not checked\n`;
    expect(await checkEvidence(ev('statsmini/core.py', 12, snippet), read)).toMatchObject({ valid: true, matchedLine: 12 });
  });

  test('a different snippet at the right line is invalid', async () => {
    expect((await checkEvidence(ev('statsmini/core.py', 13, 'kernel = list(reversed(kernel))'), read)).valid).toBe(false);
  });

  test('line 0 and lines beyond the end are invalid', async () => {
    const zero = await checkEvidence(ev('statsmini/core.py', 0, SWAP), read);
    expect(zero.valid).toBe(false);
    expect(zero.reason).toContain('not a line number');
    const beyond = await checkEvidence(ev('statsmini/core.py', 22, 'return out'), read);
    expect(beyond.valid).toBe(false);
    expect(beyond.reason).toBe('line 22 is beyond the end of statsmini/core.py (21 lines)');
    expect((await checkEvidence(ev('statsmini/core.py', 21, 'return out'), read)).valid).toBe(true);
    expect((await checkEvidence(ev('statsmini/core.py', Number.NaN, SWAP), read)).valid).toBe(false);
  });

  test('a missing file is invalid and names the commit', async () => {
    const r = await checkEvidence(ev('statsmini/nope.py', 1, 'x'), read);
    expect(r.valid).toBe(false);
    expect(r.reason).toBe(`file statsmini/nope.py at commit ${commit.slice(0, 12)} does not exist`);
  });

  test('paths escaping the repository are refused without reading them', async () => {
    const seen: string[] = [];
    const spy: RepoReader = Object.assign(
      async (p: string) => {
        seen.push(p);
        return read(p);
      },
      { repoPath: repo },
    );
    for (const file of ['../outside/core.py', '../../etc/passwd', 'statsmini/../../outside/core.py', '..']) {
      const r = await checkEvidence(ev(file, 13, SWAP), spy);
      expect(r.valid).toBe(false);
      expect(r.reason).toMatch(/escapes the repository|names no file/);
    }
    expect(seen).toEqual([]);
    // ".." that stays inside the repository is fine.
    expect((await checkEvidence(ev('statsmini/../statsmini/core.py', 13, SWAP), spy)).valid).toBe(true);
  });

  test('absolute paths count only inside the repository', async () => {
    const inside = await checkEvidence(ev(path.join(repo, 'statsmini', 'core.py'), 13, SWAP), read);
    expect(inside).toMatchObject({ valid: true, normalizedFile: 'statsmini/core.py' });
    const out = await checkEvidence(ev(path.join(outside, 'core.py'), 13, SWAP), read);
    expect(out.valid).toBe(false);
    expect(out.reason).toContain('is outside the repository');
    expect((await checkEvidence(ev('/etc/passwd', 1, 'root'), read)).valid).toBe(false);
    // A sibling whose name merely starts with the repository's name is outside too.
    expect((await checkEvidence(ev(`${repo}-evil/statsmini/core.py`, 13, SWAP), read)).valid).toBe(false);
  });

  test("absolute paths inside a worker's worktree (extra root) map to the same file", async () => {
    const worktree = path.join(root, 'worktrees', 'w1');
    const withWorktrees = makeRepoReader(repo, commit, [worktree]);
    const r = await checkEvidence(ev(path.join(worktree, 'statsmini/core.py'), 13, SWAP), withWorktrees);
    expect(r).toMatchObject({ valid: true, normalizedFile: 'statsmini/core.py' });
  });

  test('path:line, ./ and a/ b/ diff prefixes are tolerated', async () => {
    for (const file of [
      'statsmini/core.py:13',
      'statsmini/core.py:13:9',
      './statsmini/core.py',
      'a/statsmini/core.py',
      'b/statsmini/core.py',
      'statsmini\\core.py',
    ]) {
      const r = await checkEvidence(ev(file, 13, SWAP), read);
      expect(r, file).toMatchObject({ valid: true, normalizedFile: 'statsmini/core.py', matchedLine: 13 });
    }
  });

  test('an empty snippet is invalid', async () => {
    for (const snippet of ['', '   \n\t\n']) {
      const r = await checkEvidence(ev('statsmini/core.py', 13, snippet), read);
      expect(r.valid).toBe(false);
      expect(r.reason).toContain('snippet is empty');
    }
  });

  test('reads are cached per path', async () => {
    const cached = makeRepoReader(repo, commit);
    expect(await cached('statsmini/core.py')).toBe(CORE);
    await rename(path.join(repo, '.git'), path.join(repo, '.git-away'));
    try {
      expect(await cached('statsmini/core.py')).toBe(CORE);
      expect(await cached('statsmini/gone.py')).toBeNull();
    } finally {
      await rename(path.join(repo, '.git-away'), path.join(repo, '.git'));
    }
  });

  test('the reader refuses unsafe commits and non-normalized paths', async () => {
    expect(() => makeRepoReader(repo, '--output=/tmp/x')).toThrow(/not a commit/);
    expect(await read('../outside/core.py')).toBeNull();
    expect(await read(path.join(repo, 'statsmini/core.py'))).toBeNull();
    expect(await read('statsmini')).toBeNull();
  });
});

describe('pure helpers', () => {
  test('resolveEvidencePath', () => {
    expect(resolveEvidencePath('./a/b.py#L12')).toEqual({ ok: true, path: 'a/b.py' });
    expect(resolveEvidencePath('file:///r/x.py', ['/r'])).toEqual({ ok: true, path: 'x.py' });
    expect(resolveEvidencePath('C:\\x\\y.py').ok).toBe(false);
    expect(resolveEvidencePath('x\0y').ok).toBe(false);
    expect(resolveEvidencePath('x'.repeat(2_000)).ok).toBe(false);
    expect(resolveEvidencePath('/r/x.py').ok).toBe(false);
  });

  test('findSnippetLine prefers the claimed line, then the nearest', () => {
    const lines = ['x = 1', 'y = 2', 'x = 1', 'z = 3'];
    expect(findSnippetLine(lines, 3, 'x = 1')).toBe(3);
    expect(findSnippetLine(lines, 2, 'x = 1')).toBe(1);
    expect(findSnippetLine(lines, 4, '  14 |  z = 3')).toBe(4);
    // Short fragments must be the whole line; longer ones may be part of it.
    expect(findSnippetLine(['foo(bar)'], 1, 'o')).toBeNull();
    expect(findSnippetLine(['return foo(bar) + 1'], 1, 'foo(bar)')).toBe(1);
  });

  test('enclosingFunction follows indentation in Python and declarations elsewhere', () => {
    const lines = fileLines(CORE);
    expect(enclosingFunction(lines, 6)).toBe('mean');
    expect(enclosingFunction(lines, 10)).toBe('convolve');
    expect(enclosingFunction(lines, 1)).toBeNull();
    const js = ['export function median(xs) {', '  const s = [...xs];', '  return s[0];', '}'];
    expect(enclosingFunction(js, 3)).toBe('median');
    expect(enclosingFunction(['const sum = (xs) => {', '  if (x) {', '    return 0;'], 3)).toBe('sum');
  });
});
