import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeIssue } from '../../issue/intake';
import { issueFromText } from '../../issue/issueFile';
import { createRealBugRepo, loadRealBug } from '../../../testkit/realBugs';
import type { SampleRepo } from '../../../testkit/sampleRepos';
import { issueInRepository } from './issueContext';

let dir: string;
let repo: SampleRepo;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-issue-ctx-'));
  repo = await createRealBugRepo(await loadRealBug('tabulate-312'), dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the issue in the repository', () => {
  it("keeps only the paths the repository has (not the reporter's test.py), and where the issue's traceback fails", async () => {
    const read = normalizeIssue(issueFromText(repo.issueMarkdown), 'text', null, null);
    expect(read.target_paths).toEqual(expect.arrayContaining(['test.py', 'tabulate/__init__.py']));
    const { spec, dropped } = await issueInRepository(read, { path: repo.path, commit: repo.commit }, [
      'https://github.com/o/r/pull/1 is a pull request; its description is used as the issue',
    ]);
    expect(spec.target_paths).toContain('tabulate/__init__.py');
    expect(spec.target_paths).not.toContain('test.py');
    expect(dropped).toContain('test.py');
    expect(spec.failure_frame).toEqual({ file: 'tabulate/__init__.py', line: 1516, func: '_wrap_text_to_colwidths' });
    expect(spec.notes).toEqual(['https://github.com/o/r/pull/1 is a pull request; its description is used as the issue']);
  });
});
