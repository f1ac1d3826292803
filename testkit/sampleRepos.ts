// Small git repositories with real bugs (Python and Node.js), for tests, evals and the demo.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export type SampleKind = 'python-convolve' | 'node-textkit';

export interface SampleRepo {
  /** A built-in sample, or the name of a real-bug fixture (testkit/realBugs.ts). */
  kind: SampleKind | string;
  path: string;
  /** HEAD after the single commit. */
  commit: string;
  issueMarkdown: string;
  /** Where the bug is: the faulty line (1-based) and its function. */
  bug: { file: string; line: number; func: string };
  /** `git apply`-able diff that fixes the bug. */
  fixPatch: string;
}

interface SampleSpec {
  files: Record<string, string>;
  buggyFile: string;
  fixedContent: string;
  bugLineText: string;
  bugFunc: string;
  /** The issue text, given the 1-based line of a text in the buggy file. */
  issue: (lineOf: (text: string) => number) => string;
}

// ---------- python-convolve ----------
// The same repository and issue as the bundled demo (examples/statsmini), so the two never drift.

const EXAMPLE = fileURLToPath(new URL('../examples/statsmini/', import.meta.url));

function readTree(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, readTree(root, r));
    else out[r] = readFileSync(join(root, r), 'utf8');
  }
  return out;
}

const CONVOLVE_SWAP = `    # Convolution is commutative: loop over the shorter sequence.
    if len(kernel) > len(signal):
        signal, kernel = kernel, signal
`;
const CONVOLVE_CHECKS = `    if not signal:
        raise ValueError("signal cannot be empty")
    if not kernel:
        raise ValueError("kernel cannot be empty")
`;

function pythonConvolveSpec(): SampleSpec {
  const files = readTree(join(EXAMPLE, 'repo'));
  const core = files['statsmini/core.py'] ?? '';
  if (!core.includes(CONVOLVE_SWAP + CONVOLVE_CHECKS))
    throw new Error('examples/statsmini/repo/statsmini/core.py no longer has the convolve bug the sample expects');
  const issue = readFileSync(join(EXAMPLE, 'issue.md'), 'utf8');
  return {
    files,
    buggyFile: 'statsmini/core.py',
    // The fix: check the arguments before reordering them.
    fixedContent: core.replace(CONVOLVE_SWAP + CONVOLVE_CHECKS, CONVOLVE_CHECKS + CONVOLVE_SWAP),
    bugLineText: '    if len(kernel) > len(signal):',
    bugFunc: 'convolve',
    issue: (lineOf) =>
      issue.replace(
        /core\.py", line \d+, in convolve/,
        `core.py", line ${lineOf('        raise ValueError("kernel cannot be empty")')}, in convolve`,
      ),
  };
}

// ---------- node-textkit ----------

const TEXTKIT_HEAD = `'use strict';
// textkit: tiny text helpers (padding, truncation, word counts).

function assertString(value, name) {
  if (typeof value !== 'string') {
    throw new TypeError(\`\${name} must be a string\`);
  }
}

function pad(text, width, fill = ' ') {
`;
const TEXTKIT_BUGGY_SWAP = `  // 0.x took (width, text); keep accepting that order.
  if (typeof text !== 'string') {
    [text, width] = [width, text];
  }
`;
const TEXTKIT_FIXED_SWAP = `  // 0.x took (width, text); keep accepting that order.
  if (typeof text === 'number' && typeof width === 'string') {
    [text, width] = [width, text];
  }
`;
const TEXTKIT_TAIL = `  if (typeof width !== 'number' || !Number.isFinite(width)) {
    throw new TypeError('width must be a number');
  }
  assertString(text, 'text');
  return text.length >= width ? text : text + fill.repeat(width - text.length);
}

function truncate(text, max) {
  assertString(text, 'text');
  return text.length <= max ? text : \`\${text.slice(0, Math.max(0, max - 1))}…\`;
}

function wordCount(text) {
  assertString(text, 'text');
  const words = text.trim().split(/\\s+/);
  return words[0] === '' ? 0 : words.length;
}

module.exports = { pad, truncate, wordCount };
`;

const nodeTextkit: SampleSpec = {
  files: {
    'package.json': `${JSON.stringify({ name: 'textkit', version: '1.2.0', main: 'lib/textkit.js', license: 'MIT', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
    'lib/textkit.js': TEXTKIT_HEAD + TEXTKIT_BUGGY_SWAP + TEXTKIT_TAIL,
    'test/textkit.test.js': `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { pad, truncate, wordCount } = require('../lib/textkit');

test('pad', () => assert.strictEqual(pad('ab', 4, '.'), 'ab..'));
test('pad accepts the 0.x order', () => assert.strictEqual(pad(3, 'a'), 'a  '));
test('truncate', () => assert.strictEqual(truncate('abcdef', 4), 'abc…'));
test('wordCount', () => assert.strictEqual(wordCount(' a b  c '), 3));
`,
    'README.md': `# textkit

Tiny text helpers for Node.js: \`pad(text, width, fill)\`, \`truncate(text, max)\`, \`wordCount(text)\`.

Run the tests with \`npm test\`.
`,
  },
  buggyFile: 'lib/textkit.js',
  fixedContent: TEXTKIT_HEAD + TEXTKIT_FIXED_SWAP + TEXTKIT_TAIL,
  bugLineText: "  if (typeof text !== 'string') {",
  bugFunc: 'pad',
  issue: (lineOf) => `# pad() blames the width when the text is not a string

Calling \`pad\` with a text that is not a string throws an error about the **width**, although the width is fine:

\`\`\`js
const { pad } = require('textkit');
pad(undefined, 8);
\`\`\`

\`\`\`
/home/me/app/node_modules/textkit/lib/textkit.js:${lineOf("    throw new TypeError('width must be a number');")}
    throw new TypeError('width must be a number');
    ^

TypeError: width must be a number
    at pad (/home/me/app/node_modules/textkit/lib/textkit.js:${lineOf("    throw new TypeError('width must be a number');")}:11)
    at Object.<anonymous> (/home/me/app/index.js:2:1)

Node.js v20.11.0
\`\`\`

Expected: \`TypeError: text must be a string\`. textkit 1.2.0.
`,
};

const SPECS: Record<SampleKind, SampleSpec> = { 'python-convolve': pythonConvolveSpec(), 'node-textkit': nodeTextkit };

// ---------- creation ----------

// Fixed identity and dates: the same sample always gets the same commit id.
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Sample Author',
  GIT_AUTHOR_EMAIL: 'sample@example.invalid',
  GIT_COMMITTER_NAME: 'Sample Author',
  GIT_COMMITTER_EMAIL: 'sample@example.invalid',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

async function git(cwd: string, args: string[]): Promise<string> {
  const res = await execa('git', args, { cwd, env: GIT_ENV, timeout: 30_000, stdin: 'ignore' });
  return String(res.stdout);
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

/** A fresh repository (under `parentDir`, default the OS temp dir) with one commit containing the bug. */
export async function createSampleRepo(kind: SampleKind, parentDir?: string): Promise<SampleRepo> {
  const spec = SPECS[kind];
  const path = await mkdtemp(join(parentDir ?? tmpdir(), `mminions-sample-${kind}-`));
  await git(path, ['init', '-q', '--initial-branch=main']);
  await git(path, ['config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME]);
  await git(path, ['config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL]);
  await git(path, ['config', 'commit.gpgsign', 'false']);
  await writeFiles(path, spec.files);
  await git(path, ['add', '-A']);
  await git(path, ['commit', '-q', '-m', `Initial import of ${kind}`]);
  const commit = (await git(path, ['rev-parse', 'HEAD'])).trim();

  // The fix as a diff, made by git itself, then the buggy file restored.
  const buggy = spec.files[spec.buggyFile] as string;
  await writeFile(join(path, spec.buggyFile), spec.fixedContent);
  const fixPatch = `${await git(path, ['diff', '--', spec.buggyFile])}\n`;
  await writeFile(join(path, spec.buggyFile), buggy);

  const lineOf = (text: string) => {
    const n = buggy.split('\n').indexOf(text) + 1;
    if (n === 0) throw new Error(`sample ${kind}: line not found: ${text}`);
    return n;
  };
  const bugLine = lineOf(spec.bugLineText);
  return {
    kind,
    path,
    commit,
    issueMarkdown: spec.issue(lineOf),
    bug: { file: spec.buggyFile, line: bugLine, func: spec.bugFunc },
    fixPatch,
  };
}

/** Commits the fix on top of the sample's HEAD; returns the new commit. */
export async function commitFix(repo: SampleRepo): Promise<string> {
  const spec = SPECS[repo.kind as SampleKind];
  if (!spec) throw new Error(`commitFix: ${repo.kind} is not a built-in sample`);
  await writeFile(join(repo.path, spec.buggyFile), spec.fixedContent);
  await git(repo.path, ['add', '--', spec.buggyFile]);
  await git(repo.path, ['commit', '-q', '-m', `Fix ${spec.bugFunc}: check arguments before reordering them`]);
  return (await git(repo.path, ['rev-parse', 'HEAD'])).trim();
}
