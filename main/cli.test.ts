// The mminions command as a user runs it: the built bin/mminions.js (npm test builds first).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN } from '../testkit/codexHome';
import { commandHint } from './cli/self';

const BIN = resolve(__dirname, '..', 'bin', 'mminions.js');
let dir: string;

const mm = (args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    cwd: opts.cwd ?? dir,
    env: { MMINIONS_CONFIG: '', ...opts.env },
    timeout: 30_000,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mminions --help', () => {
  it('lists every command', async () => {
    const r = await mm(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of [
      'manager',
      'run',
      'status',
      'attach',
      'send',
      'stop',
      'server',
      'demo',
      'eval',
      'preflight',
      'config',
      'scripted-model',
      'render-events',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
  });
  it('rejects an unknown command with the help text', async () => {
    const r = await mm(['frobnicate']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
  it('says in words that a run does not exist (no error class name)', async () => {
    const r = await mm(['status', '--run-id', 'run-nope', '--runs-root', dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`mminions status: no run run-nope in ${dir}`);
  });
  it('warns at once about a flag outside its range (clamped, as the prototype did)', async () => {
    const plain = join(dir, 'plain');
    await mkdir(plain, { recursive: true });
    const r = await mm([
      'manager',
      '--issue-text',
      'x',
      '--workers',
      '9',
      '--repo-path',
      plain,
      '--runs-root',
      join(dir, 'runs'),
      '--tmux-socket',
      `mmcli-warn-${process.pid}`,
    ]);
    expect(r.exitCode).toBe(2); // preflight: not a git repository
    expect(r.stderr).toContain('mminions manager: warning: manager.workers = 9 is outside 1..6; using 6');
  });
  it('rejects unknown flags with the usage', async () => {
    const r = await mm(['config', '--wrokers', '3']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toMatch(/Unknown option '--wrokers'/);
    expect(r.stderr).toContain('Usage: mminions config');
  });
});

describe('mminions config', () => {
  it('prints the effective configuration: file, environment and flags applied', async () => {
    await writeFile(
      join(dir, 'mminions.toml'),
      '[manager]\nworkers = 3\nruns_root = "my-runs"\n[codex.config]\nmodel_provider = "local"\n',
    );
    const r = await mm(['config', '--timeout-sec', '90'], { env: { MMINIONS_TMUX_SOCKET: 'sock-from-env' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`# effective configuration (file: ${join(dir, 'mminions.toml')})`);
    expect(r.stdout).toMatch(/^workers = 3$/m);
    expect(r.stdout).toMatch(/^timeout_sec = 90$/m);
    expect(r.stdout).toContain(`runs_root = "${join(dir, 'my-runs')}"`);
    expect(r.stdout).toContain('socket = "sock-from-env"');
    expect(r.stdout).toContain('model_provider = "local"');
    await rm(join(dir, 'mminions.toml'));
  });
  it('names the key, the value and what is allowed for a bad value', async () => {
    await writeFile(join(dir, 'bad.toml'), '[manager]\nworkers = "many"\n');
    const r = await mm(['config', '--config', 'bad.toml']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('manager.workers: expected an integer 1..6 (got "many")');
    expect(r.stderr).toMatch(/^mminions config: \//); // the message in words, no error class name
  });
});

describe('mminions preflight', () => {
  it('passes on a git repository with codex configured for a non-OpenAI provider', async () => {
    const repo = join(dir, 'repo');
    await mkdir(repo);
    await execa('git', ['init', '-q', repo]);
    await execa('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init']);
    await writeFile(join(dir, 'ok.toml'), `[codex]\ncommand = "${CODEX_BIN}"\n[codex.config]\nmodel_provider = "scripted"\n`);
    const r = await mm(['preflight', '--config', 'ok.toml', '--repo-path', repo]);
    expect(r.stdout).toMatch(/codex_auth/);
    expect(r.exitCode).toBe(0);
  });
  it('fails (exit 1) and says why for a folder that is not a git repository', async () => {
    await mkdir(join(dir, 'plain'), { recursive: true });
    await writeFile(join(dir, 'ok2.toml'), `[codex]\ncommand = "${CODEX_BIN}"\n[codex.config]\nmodel_provider = "scripted"\n`);
    const r = await mm(['preflight', '--config', 'ok2.toml', '--repo-path', join(dir, 'plain'), '--json']);
    expect(r.exitCode).toBe(1);
    const res = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(res.ok).toBe(false);
    expect(res.checks.find((c) => c.name === 'git_worktree')?.ok).toBe(false);
    expect(res.checks.find((c) => c.name === 'tmux')?.ok).toBe(true);
  });
  it('fails for a relative repository path and a missing codex command', async () => {
    await writeFile(join(dir, 'nocodex.toml'), '[codex]\ncommand = "/nonexistent/codex"\n');
    const r = await mm(['preflight', '--config', 'nocodex.toml', '--repo-path', 'relative/path', '--json']);
    expect(r.exitCode).toBe(1);
    const res = JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; details: string }> };
    expect(res.checks.find((c) => c.name === 'codex')?.ok).toBe(false);
    expect(res.checks.find((c) => c.name === 'repo_path')?.details).toMatch(/absolute/);
  });
});

describe('run control without a run', () => {
  it('explains a missing --run-id and an unknown run', async () => {
    const a = await mm(['status']);
    expect(a.exitCode).toBe(64);
    expect(a.stderr).toContain('--run-id is required');
    const b = await mm(['status', '--run-id', 'run-19990101000000', '--runs-root', dir]);
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toContain('no run run-19990101000000');
    const c = await mm(['stop', '--run-id', '../etc', '--runs-root', dir]);
    expect(c.exitCode).toBe(1);
    expect(c.stderr).toMatch(/no run|invalid run id/);
  });
  it('requires exactly one issue source for manager and run', async () => {
    const r = await mm(['manager', '--repo-path', dir]);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('give exactly one issue source: --issue-url, --issue-file or --issue-text');
  });
});

describe('mminions render-events', () => {
  it('renders codex JSONL and passes other lines through', async () => {
    const input = [
      '{"type":"turn.started"}',
      'plain text line',
      '{"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":1,"output_tokens":2}}',
    ].join('\n');
    const r = await execa(process.execPath, [BIN, 'render-events'], { input, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('plain text line');
    expect(r.stdout.split('\n').length).toBeGreaterThanOrEqual(3);
    expect(r.stdout).toMatch(/5/);
  });
});

describe('commandHint', () => {
  const root = resolve(__dirname, '..');
  it('prints a command line that works in the shell it is shown in', async () => {
    const noMminions = { PATH: '/usr/bin:/bin' };
    expect(commandHint(['status', '--run-id', 'run-1'], { env: noMminions, cwd: root })).toBe(
      'npx mminions status --run-id run-1',
    );
    expect(commandHint(['status', '--runs-root', '/my runs'], { env: noMminions, cwd: dir })).toBe(
      `node ${join(root, 'bin', 'mminions.js')} status --runs-root '/my runs'`,
    );
    // npm's own PATH (node_modules/.bin) does not count: the person's shell does not have it.
    expect(commandHint(['status'], { env: { PATH: `${join(root, 'node_modules', '.bin')}:/usr/bin` }, cwd: root })).toBe(
      'npx mminions status',
    );
    const binDir = join(dir, 'global-bin');
    await mkdir(binDir, { recursive: true });
    await writeFile(join(binDir, 'mminions'), '#!/bin/sh\n', { mode: 0o755 });
    expect(commandHint(['status'], { env: { PATH: `${binDir}:/usr/bin` }, cwd: dir })).toBe('mminions status');
  });
});
