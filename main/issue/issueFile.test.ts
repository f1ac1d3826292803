import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueFromText, readIssueFile } from './issueFile';
import { IssueError } from './issueError';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-issuefile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

async function kindOf(p: Promise<unknown>): Promise<[string, string]> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IssueError);
  return [(err as IssueError).kind, (err as IssueError).message];
}

describe('readIssueFile', () => {
  it('reads GitHub issue JSON', async () => {
    const p = await write(
      'issue.json',
      JSON.stringify({
        title: 'median([]) raises IndexError',
        body: 'IndexError: list index out of range',
        labels: ['bug', { name: 'good first issue' }, 42],
        html_url: 'https://github.com/acme/stats/issues/9',
        number: 9,
        state: 'open',
      }),
    );
    expect(await readIssueFile(p)).toEqual({
      title: 'median([]) raises IndexError',
      body: 'IndexError: list index out of range',
      labels: ['bug', { name: 'good first issue' }],
      html_url: 'https://github.com/acme/stats/issues/9',
      number: 9,
      state: 'open',
      pull_request: false,
    });
  });

  it('reads Markdown: the first non-empty line is the title', async () => {
    const p = await write(
      'issue.md',
      '\n\n# median([]) crashes\n\nSteps:\n\n    median([])\n\nIndexError: list index out of range\n',
    );
    const raw = await readIssueFile(p);
    expect(raw.title).toBe('median([]) crashes');
    expect(raw.body).toBe('Steps:\n\n    median([])\n\nIndexError: list index out of range');
    expect(raw.labels).toEqual([]);
  });

  it('reads plain text with CRLF line ends', async () => {
    const raw = await readIssueFile(await write('issue.txt', 'Title here\r\nbody line\r\n'));
    expect(raw).toMatchObject({ title: 'Title here', body: 'body line' });
  });

  it.each([
    ['empty.md', ' \n\n', 'empty'],
    ['empty.json', '', 'empty'],
    ['bad.json', '{"title": "x",', 'bad-json'],
    ['untitled.json', '{"body": "no title"}', 'no-title'],
    ['list.json', '[1, 2]', 'no-title'],
  ])('rejects %s', async (name, text, kind) => {
    const [k, msg] = await kindOf(readIssueFile(await write(name, text)));
    expect(k).toBe(kind);
    expect(msg).toContain(name);
  });

  it('says when the file is missing or is a folder', async () => {
    const [k, msg] = await kindOf(readIssueFile(join(dir, 'nope.md')));
    expect(k).toBe('file-missing');
    expect(msg).toMatch(/issue file not found: .*nope\.md/);
    expect((await kindOf(readIssueFile(dir)))[0]).toBe('file-unreadable');
  });
});

describe('issueFromText', () => {
  it('uses the Markdown rule', () => {
    expect(issueFromText('## Crash on start\nTypeError: x is not a function')).toMatchObject({
      title: 'Crash on start',
      body: 'TypeError: x is not a function',
      html_url: null,
    });
  });

  it('rejects empty text', () => {
    expect(() => issueFromText('   \n ')).toThrow(/issue text is empty/);
  });
});
