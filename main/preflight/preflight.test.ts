import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, type Config } from '../config/config';
import { codexConfinementNote, formatPreflight, preflightFailureReason, runPreflight, type PreflightResult } from './preflight';

const CODEX = resolve(__dirname, '../../node_modules/.bin/codex');

let tmp: string;
let repo: string;
let codexHome: string;

function config(codex: Record<string, unknown>): Config {
  return buildConfig({ codex: { home: codexHome, ...codex } }, { file: null, env: {}, cwd: tmp, overrides: {} });
}

const byName = (r: PreflightResult, name: string) => r.checks.find((c) => c.name === name)!;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mminions-preflight-'));
  repo = join(tmp, 'repo');
  codexHome = join(tmp, 'codex-home');
  await mkdir(repo);
  await mkdir(codexHome);
  await writeFile(join(repo, 'a.txt'), 'a\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { timeout: 10_000, stdio: 'pipe' });
  git('init', '-q');
  git('add', 'a.txt');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('runPreflight', () => {
  it('passes with a real git repository and the real codex (non-OpenAI provider)', async () => {
    const r = await runPreflight({ config: config({ command: CODEX, config: { model_provider: 'scripted' } }), repoPath: repo });
    expect(r.checks.map((c) => c.name)).toEqual(['codex', 'tmux', 'git', 'repo_path', 'git_worktree', 'codex_auth', 'sandbox']);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(byName(r, 'codex').details).toMatch(/codex-cli \d+\.\d+/);
    expect(byName(r, 'tmux').details).toMatch(/tmux \d/);
    expect(byName(r, 'git').details).toMatch(/git version/);
    const head = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(byName(r, 'git_worktree').details).toContain(head);
    expect(byName(r, 'codex_auth').details).toMatch(/"scripted"/);
    expect(formatPreflight(r)).toMatch(/^✓ codex/);
    expect(formatPreflight(r)).toMatch(/all 7 checks passed$/);
    expect(preflightFailureReason(r)).toBeNull();
  });

  it.each([
    ['relative', () => 'repo', /not an absolute path/],
    ['missing', () => join(tmp, 'nope'), /does not exist/],
    ['file', () => join(repo, 'a.txt'), /not a directory/],
  ])('fails repo_path for a %s path and skips git_worktree', async (_what, path, why) => {
    const r = await runPreflight({
      config: config({ command: CODEX, config: { model_provider: 'scripted' } }),
      repoPath: path(),
    });
    expect(r.ok).toBe(false);
    expect(byName(r, 'repo_path')).toMatchObject({ ok: false, details: expect.stringMatching(why) });
    expect(byName(r, 'git_worktree')).toMatchObject({ ok: false, details: expect.stringMatching(/skipped/) });
    expect(byName(r, 'codex').ok).toBe(true);
  });

  it('warns when the configuration loosens how the agents’ codex is confined', async () => {
    const r = await runPreflight({
      config: config({
        command: CODEX,
        config: { model_provider: 'scripted', sandbox_workspace_write: { exclude_slash_tmp: false } },
      }),
      repoPath: repo,
    });
    expect(r.ok).toBe(true);
    expect(byName(r, 'sandbox')).toMatchObject({
      ok: true,
      warning: true,
      details: expect.stringMatching(/sandbox_workspace_write\.exclude_slash_tmp, which replaces mminions' own setting/),
    });
    expect(codexConfinementNote(config({ sandbox: 'danger-full-access' }))).toMatch(/unconfined/);
    expect(codexConfinementNote(config({ config: { model_provider: 'scripted' } }))).toBeNull();
  });

  it("warns when the repository is mminions' own checkout (the default repo_path '.' run from its folder)", async () => {
    const r = await runPreflight({
      config: config({ command: CODEX, config: { model_provider: 'scripted' } }),
      repoPath: resolve(__dirname, '../..'),
    });
    expect(byName(r, 'git_worktree')).toMatchObject({
      ok: true,
      warning: true,
      details: expect.stringMatching(/mminions' own checkout/),
    });
    expect(byName(r, 'git_worktree').warning).toBe(true);
  });

  it('fails git_worktree for a directory that is not a git repository', async () => {
    const plain = join(tmp, 'plain');
    await mkdir(plain, { recursive: true });
    const r = await runPreflight({ config: config({ command: CODEX, config: { model_provider: 'scripted' } }), repoPath: plain });
    expect(byName(r, 'repo_path').ok).toBe(true);
    expect(byName(r, 'git_worktree')).toMatchObject({ ok: false, details: expect.stringMatching(/not inside a git work tree/) });
    const text = formatPreflight(r);
    expect(text).toMatch(/✗ git_worktree/);
    expect(text).toMatch(/fix: point --repo-path at a git checkout/);
    expect(text).toMatch(/preflight failed: 1 of 7 checks failed/);
  });

  it('fails codex and codex_auth for a codex command that does not exist', async () => {
    const r = await runPreflight({ config: config({ command: 'mminions-no-such-codex' }), repoPath: repo });
    expect(byName(r, 'codex')).toMatchObject({ ok: false, details: expect.stringMatching(/not found on PATH/) });
    expect(byName(r, 'codex_auth')).toMatchObject({ ok: false, details: expect.stringMatching(/not found/) });
    expect(preflightFailureReason(r)).toMatch(/codex: .*fix: install the Codex CLI/);
  });

  it('fails codex_auth when real `codex login status` says not logged in', async () => {
    const r = await runPreflight({ config: config({ command: CODEX }), repoPath: repo });
    expect(byName(r, 'codex').ok).toBe(true);
    expect(byName(r, 'codex_auth')).toMatchObject({ ok: false, details: expect.stringMatching(/exited 1: Not logged in/) });
    expect(byName(r, 'codex_auth').details).toContain(`CODEX_HOME=${codexHome}`);
    expect(formatPreflight(r)).toMatch(/fix: run `npx codex login`/);
  });
});
