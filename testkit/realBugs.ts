// Real bugs of real libraries (testkit/realbugs/<name>): the library at the parent of its fix, the real
// issue, and answers a worker might give. Loads one and makes a git repository of it.
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Hypothesis, ReproAnswer } from '../common/agentAnswers';
import type { SampleRepo } from './sampleRepos';

export const REAL_BUGS = ['tabulate-312', 'js-yaml-525', 'toml-118'] as const;
export type RealBugName = (typeof REAL_BUGS)[number];

const ROOT = fileURLToPath(new URL('./realbugs/', import.meta.url));

export interface RealBug {
  name: RealBugName;
  language: 'python' | 'javascript';
  issueMarkdown: string;
  fixPatch: string;
  /** Lines (at the parent) the real fix changed, per file. */
  fixLines: Array<{ file: string; lines: number[] }>;
  failure: { exception_type: string; message: string; innermost_repo_frame: { file: string; line: number; func: string } };
  candidates: Record<'correct' | 'own_code' | 'quotes_issue' | 'passes', ReproAnswer>;
  hypotheses: { hypotheses: Hypothesis[] };
}

export async function loadRealBug(name: RealBugName): Promise<RealBug> {
  const dir = join(ROOT, name);
  const fixture = JSON.parse(await readFile(join(dir, 'fixture.json'), 'utf8'));
  const candidates: Record<string, ReproAnswer> = {};
  for (const f of (await readdir(join(dir, 'candidates'))).filter((n) => n.endsWith('.json'))) {
    candidates[f.replace(/\.json$/, '')] = JSON.parse(await readFile(join(dir, 'candidates', f), 'utf8'));
  }
  return {
    name,
    language: fixture.language,
    issueMarkdown: await readFile(join(dir, 'issue.md'), 'utf8'),
    fixPatch: fixture.fixed_patch,
    fixLines: fixture.fix_lines,
    failure: fixture.failure,
    candidates: candidates as RealBug['candidates'],
    hypotheses: JSON.parse(await readFile(join(dir, 'hypotheses.json'), 'utf8')),
  };
}

/** The library's files at the parent of the fix as a git repository with one commit (a SampleRepo). */
export async function createRealBugRepo(bug: RealBug, parentDir: string): Promise<SampleRepo> {
  const path = await mkdtemp(join(parentDir, `mminions-real-${bug.name}-`));
  await cp(join(ROOT, bug.name, 'repo'), path, { recursive: true });
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.name=mminions tests', '-c', 'user.email=tests@mminions.invalid', ...args], { cwd: path });
  await git('init', '-q', '--initial-branch=main');
  await git('add', '-A');
  await git('commit', '-q', '-m', `${bug.name} at the parent of its fix`);
  const commit = (await git('rev-parse', 'HEAD')).stdout.trim();
  const inner = bug.failure.innermost_repo_frame;
  return {
    kind: bug.name,
    path,
    commit,
    issueMarkdown: bug.issueMarkdown,
    bug: { file: inner.file, line: inner.line, func: inner.func },
    fixPatch: bug.fixPatch,
  };
}
