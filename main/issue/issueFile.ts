// Reads an issue from a local file (GitHub issue JSON, or Markdown/text) or from pasted text.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { IssueError } from './issueError';
import { rawIssueFromJson, type RawIssue } from './rawIssue';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export async function readIssueFile(path: string): Promise<RawIssue> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile())
      throw new IssueError(
        'file-unreadable',
        `issue file ${path} is not a regular file; give the path of a .json, .md or .txt file`,
      );
    size = st.size;
  } catch (err) {
    if (err instanceof IssueError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new IssueError('file-missing', `issue file not found: ${path}; check the path`);
    throw new IssueError('file-unreadable', `cannot read issue file ${path}: ${(err as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new IssueError(
      'file-unreadable',
      `issue file ${path} is ${size} bytes; issues over ${MAX_FILE_BYTES} bytes are not accepted`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new IssueError('file-unreadable', `cannot read issue file ${path}: ${(err as Error).message}`);
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim())
    throw new IssueError(
      'empty',
      `issue file ${path} is empty; write the issue title on the first line and its description below`,
    );
  if (extname(path).toLowerCase() === '.json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new IssueError(
        'bad-json',
        `issue file ${path} is not valid JSON (${(err as Error).message}); fix it, or use a .md file with the title on the first line`,
      );
    }
    return rawIssueFromJson(data, `issue file ${path}`);
  }
  return issueFromMarkdown(text, `issue file ${path}`);
}

/** Pasted issue text: the first non-empty line is the title, the rest the body. */
export function issueFromText(text: string): RawIssue {
  return issueFromMarkdown(typeof text === 'string' ? text.replace(/^\uFEFF/, '') : '', 'issue text');
}

function issueFromMarkdown(text: string, where: string): RawIssue {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => l.trim() !== '');
  if (at < 0)
    throw new IssueError('empty', `${where} is empty; give the issue title on the first line and its description below`);
  // A Markdown heading marker is formatting, not part of the title.
  const title = (lines[at] ?? '')
    .trim()
    .replace(/^#{1,6}\s+/, '')
    .replace(/\s+#+\s*$/, '')
    .trim();
  if (!title) throw new IssueError('no-title', `${where}: the first line has no title text`);
  const body = lines
    .slice(at + 1)
    .join('\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
  return { title, body, labels: [], html_url: null, number: null, state: null, pull_request: false };
}
