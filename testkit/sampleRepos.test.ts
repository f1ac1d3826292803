import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { commitFix, createSampleRepo, type SampleKind, type SampleRepo } from './sampleRepos';

const made: SampleRepo[] = [];
afterAll(async () => {
  for (const r of made) await rm(r.path, { recursive: true, force: true });
});

async function sample(kind: SampleKind): Promise<SampleRepo> {
  const r = await createSampleRepo(kind);
  made.push(r);
  return r;
}

const run = (cmd: string, args: string[], cwd: string) =>
  execa(cmd, args, { cwd, reject: false, timeout: 20_000, stdin: 'ignore', all: true });

describe('createSampleRepo', () => {
  it('python-convolve: one clean commit, the real bug, a fix that applies and cures it', async () => {
    const r = await sample('python-convolve');
    expect((await run('git', ['rev-list', '--count', 'HEAD'], r.path)).stdout.trim()).toBe('1');
    expect((await run('git', ['rev-parse', 'HEAD'], r.path)).stdout.trim()).toBe(r.commit);
    expect((await run('git', ['status', '--porcelain'], r.path)).stdout).toBe('');
    expect(r.bug).toMatchObject({ file: 'statsmini/core.py', func: 'convolve' });
    expect(r.issueMarkdown).toContain('ValueError: kernel cannot be empty');

    const bug = await run('python3', ['-c', 'import statsmini; statsmini.convolve([], [1, 2])'], r.path);
    expect(bug.exitCode).toBe(1);
    expect(bug.all).toMatch(/ValueError: kernel cannot be empty\s*$/);
    const median = await run('python3', ['-c', 'import statsmini; statsmini.median([])'], r.path);
    expect(median.all).toMatch(/IndexError: list index out of range\s*$/);
    const tests = await run('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], r.path);
    expect(tests.exitCode, tests.all).toBe(0);

    // The issue's traceback cites the line the code really raises from.
    const line = /core\.py", line (\d+), in convolve/.exec(bug.all ?? '')?.[1];
    expect(r.issueMarkdown).toContain(`core.py", line ${line}, in convolve`);

    const fixed = await commitFix(r);
    expect(fixed).not.toBe(r.commit);
    const after = await run('python3', ['-c', 'import statsmini; statsmini.convolve([], [1, 2])'], r.path);
    expect(after.all).toMatch(/ValueError: signal cannot be empty\s*$/);
  });

  it('python-convolve: fixPatch applies to the original commit', async () => {
    const r = await sample('python-convolve');
    const apply = await execa('git', ['apply', '-'], { cwd: r.path, input: r.fixPatch, reject: false, timeout: 20_000 });
    expect(apply.exitCode, apply.stderr).toBe(0);
    const after = await run('python3', ['-c', 'import statsmini; statsmini.convolve([], [1, 2])'], r.path);
    expect(after.all).toMatch(/ValueError: signal cannot be empty\s*$/);
  });

  it('node-textkit: the error names the wrong argument; the fix names the right one', async () => {
    const r = await sample('node-textkit');
    expect(r.bug).toMatchObject({ file: 'lib/textkit.js', func: 'pad' });
    const bug = await run('node', ['-e', "require('./lib/textkit').pad(undefined, 8)"], r.path);
    expect(bug.exitCode).toBe(1);
    expect(bug.all).toContain('TypeError: width must be a number');
    const line = /textkit\.js:(\d+):(\d+)\)/.exec(bug.all ?? '');
    expect(r.issueMarkdown).toContain(`textkit.js:${line?.[1]}:${line?.[2]})`);
    const tests = await run('node', ['--test', 'test/'], r.path);
    expect(tests.exitCode, tests.all).toBe(0);

    await commitFix(r);
    const after = await run('node', ['-e', "require('./lib/textkit').pad(undefined, 8)"], r.path);
    expect(after.all).toContain('TypeError: text must be a string');
  });
});
