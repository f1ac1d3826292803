// Attacks on the sandbox, tried for real with bubblewrap: each must be contained.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../../testkit/processes';
import { testSandbox } from '../../testkit/sandbox';
import {
  bwrapArgv,
  DEFAULT_SANDBOX,
  resolveSandbox,
  sanitizeGitConfig,
  type Sandbox,
  SandboxError,
  toolchainMount,
  untrustedEnv,
} from './sandbox';
import { runUntrusted } from './untrusted';

let dir: string;
let repo: string;
let worktree: string;
let runsRoot: string;
let fakeHome: string;
let sandbox: Sandbox;
let server: Server;
let hits = 0;
let port = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-sandbox-'));
  repo = join(dir, 'repo');
  worktree = join(dir, 'worktrees', 'wt1');
  runsRoot = join(dir, 'runs');
  fakeHome = join(dir, 'home');
  await mkdir(repo, { recursive: true });
  await mkdir(join(runsRoot, '.mminions'), { recursive: true });
  await writeFile(join(runsRoot, '.mminions', 'token'), 'api-token-secret\n');
  await mkdir(fakeHome, { recursive: true });
  await writeFile(join(fakeHome, '.npmrc'), '//registry.npmjs.org/:_authToken=npm-secret\n');
  await writeFile(join(repo, 'lib.py'), 'VALUE = 1\n');
  await writeFile(join(repo, '.env'), 'DB_PASSWORD=checkout-secret\n');
  const git = (...args: string[]) => execa('git', ['-C', repo, ...args], { timeout: 20_000 });
  await git('init', '-q');
  await git('add', 'lib.py');
  await git('-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-qm', 'init');
  await git('remote', 'add', 'origin', 'https://user:remote-secret@example.com/r.git');
  await git('worktree', 'add', '-q', '--detach', worktree, 'HEAD');
  sandbox = await testSandbox(
    {},
    { repoPath: repo, runsRoot, home: fakeHome, env: { ...process.env, HOME: fakeHome }, stateDir: join(runsRoot, 'state') },
  );
  server = createServer((_req, res) => {
    hits++;
    res.end('reached');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await execa('git', ['-C', repo, 'worktree', 'remove', '--force', worktree], { reject: false });
  await rm(dir, { recursive: true, force: true });
});

const run = (command: string, over: Partial<Parameters<typeof runUntrusted>[1]> = {}) =>
  runUntrusted(command, { sandbox, cwd: worktree, network: false, timeoutMs: 20_000, ...over });

describe('the bubblewrap sandbox', () => {
  it('lets a command write its worktree and nothing else', async () => {
    // Outside /tmp the root is read-only; under /tmp a write lands in the sandbox's private tmpfs.
    const onRoot = join(process.cwd(), `.sandbox-pwned-${process.pid}`);
    const outside = [join(repo, 'pwned'), join(dir, 'pwned'), join(fakeHome, 'pwned'), join(runsRoot, 'pwned'), onRoot];
    const r = await run(`echo ok > made-here.txt; for f in ${outside.join(' ')}; do echo x > "$f"; done; echo done`);
    expect(r.exitCode).toBe(0);
    // (A checkout under /tmp — a CI clone there — is hidden by the private /tmp instead.)
    const refused = onRoot.startsWith('/tmp/') ? '(Directory nonexistent|No such file or directory)' : 'Read-only file system';
    expect(r.output).toMatch(new RegExp(`${onRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${refused}`));
    expect(await readFile(join(worktree, 'made-here.txt'), 'utf8')).toBe('ok\n');
    for (const f of outside) expect(existsSync(f), f).toBe(false);
  });

  it('shows no HOME, runs root or checkout secrets; interpreters still run', async () => {
    const r = await run(
      [
        `cat ${join(fakeHome, '.npmrc')} ~/.npmrc ${join(runsRoot, '.mminions', 'token')} ${join(repo, '.env')} 2>&1`,
        'echo "HOME=$HOME"',
        'python3 -c "print(6 * 7)"',
        'node -e "console.log(6 * 7)"',
      ].join('; '),
    );
    expect(r.output).not.toMatch(/npm-secret|api-token-secret|checkout-secret/);
    expect(r.output).toContain(`HOME=${fakeHome}`);
    expect(r.output.match(/^42$/gm)).toHaveLength(2);
  });

  it('passes no secret from the environment', async () => {
    const names = ['GITHUB_TOKEN', 'OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'MY_SERVICE_TOKEN', 'NPM_CONFIG__AUTH'];
    for (const n of names) process.env[n] = `value-of-${n}`;
    try {
      const r = await run('env');
      for (const n of names) expect(r.output).not.toContain(`value-of-${n}`);
      expect(r.output).toMatch(/^PATH=/m);
      // Even asked for by name in [sandbox] env.
      const asked = await run('env', { sandbox: { ...sandbox, settings: { ...sandbox.settings, env: ['MY_SERVICE_TOKEN'] } } });
      expect(asked.output).not.toContain('value-of-MY_SERVICE_TOKEN');
    } finally {
      for (const n of names) delete process.env[n];
    }
  });

  it('cannot plant a git hook or read the git config of the repository; git still reads history', async () => {
    const hook = join(repo, '.git', 'hooks', 'post-checkout');
    const r = await run(
      [
        `printf '#!/bin/sh\\ntouch ${join(dir, 'hook-ran')}\\n' > "$(git rev-parse --git-common-dir)/hooks/post-checkout" 2>&1 || echo HOOK-REFUSED`,
        'cat "$(git rev-parse --git-common-dir)/config"; echo CONFIG-END',
        'git log --oneline | wc -l',
      ].join('; '),
    );
    expect(r.output).toContain('HOOK-REFUSED');
    expect(existsSync(hook)).toBe(false);
    expect(r.output).not.toContain('remote-secret');
    expect(r.output).toMatch(/CONFIG-END\n1\n/);
  });

  it('leaves no process behind: setsid children and double forks die with the command', async () => {
    const tag = `mminions-sandbox-daemon-${process.pid}-${Date.now()}`;
    const r = await run(
      `setsid bash -c 'exec -a ${tag} sleep 300' </dev/null >/dev/null 2>&1 & (bash -c 'exec -a ${tag} sleep 300' &) ; nohup bash -c 'exec -a ${tag} sleep 300' >/dev/null 2>&1 & sleep 0.3; echo "started $(ps -A -o args= | grep -c '^${tag}')"`,
    );
    expect(r.output).toContain('started 3'); // all three were running when the command ended
    await new Promise((res) => setTimeout(res, 300));
    const left = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(tag));
    expect(left).toEqual([]);
  });

  it('dies with its parent: kill -9 of the process that started it ends everything inside', async () => {
    const tag = `mminions-sandbox-orphan-${process.pid}-${Date.now()}`;
    // A stand-in manager: a Node process that starts the sandboxed command as runProcess does (detached).
    const argv = bwrapArgv(
      sandbox,
      { cwd: worktree, writable: [worktree], home: join(worktree, '.mminions', 'home'), network: false },
      ['bash', '-c', `exec -a ${tag} sleep 300`],
    );
    const file = join(dir, 'parent.cjs');
    await writeFile(
      file,
      `const { spawn } = require('node:child_process');
       const argv = JSON.parse(process.argv[2]);
       spawn(argv[0], argv.slice(1), { detached: true, stdio: 'ignore' });
       setInterval(() => {}, 1000);`,
    );
    const child = spawn(process.execPath, [file, JSON.stringify(argv)], { stdio: 'ignore' });
    const inside = () =>
      execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(tag));
    try {
      for (let i = 0; i < 100 && inside().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(inside().length).toBeGreaterThan(0);
      child.kill('SIGKILL');
      for (let i = 0; i < 50 && inside().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(inside()).toEqual([]);
    } finally {
      if (child.pid && alive(child.pid)) child.kill('SIGKILL');
    }
  });

  it('has no network unless asked: setup may reach it, oracle runs may not', async () => {
    const fetchIt = `python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=3).read().decode())" 2>&1 | tail -1`;
    hits = 0;
    const closed = await run(fetchIt);
    expect(closed.output).not.toContain('reached');
    expect(hits).toBe(0);
    const open = await run(fetchIt, { network: true });
    expect(open.output).toContain('reached');
    expect(hits).toBe(1);
  });

  it('times out and ends the whole sandbox', async () => {
    const r = await run('sleep 300', { timeoutMs: 500, killGraceMs: 200 });
    expect(r.timedOut).toBe(true);
  });
});

describe('resolving the sandbox', () => {
  it('auto without bubblewrap runs unsandboxed and says so loudly; bwrap mode refuses', async () => {
    const env = { PATH: '/nonexistent' };
    const auto = await resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'auto' }, { env });
    expect(auto.kind).toBe('none');
    expect(auto.summary).toMatch(/^UNSANDBOXED: bubblewrap \(bwrap\) is not installed: install it/);
    await expect(resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'bwrap' }, { env })).rejects.toThrow(SandboxError);
    const off = await resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'off' }, { env });
    expect(off).toMatchObject({ kind: 'none' });
    expect(off.summary).toMatch(/^off/);
  });

  it('unsandboxed (mode off) commands still get only the allow-listed environment', async () => {
    const off = await resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'off' });
    process.env.MMINIONS_TEST_TOKEN = 'off-secret';
    try {
      const r = await runUntrusted('env', { sandbox: off, cwd: worktree, network: false, timeoutMs: 10_000 });
      expect(r.output).not.toContain('off-secret');
    } finally {
      delete process.env.MMINIONS_TEST_TOKEN;
    }
  });

  it('keeps of the git config only how to read the repository', () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '\tfilemode = true',
      '\tfsmonitor = /tmp/evil',
      '\thooksPath = /tmp/hooks',
      '\tsshCommand = evil',
      '[remote "origin"]',
      '\turl = https://user:tok@example.com/r.git',
      '[http "https://example.com"]',
      '\textraheader = AUTHORIZATION: basic c2VjcmV0',
      '[extensions]',
      '\tobjectformat = sha256',
      '[credential]',
      '\thelper = store',
    ].join('\n');
    expect(sanitizeGitConfig(config)).toBe(
      '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n[extensions]\n\tobjectformat = sha256\n',
    );
  });

  it('exposes toolchains under HOME, never secret places', () => {
    expect(toolchainMount('/h/.pyenv/shims', '/h')).toBe('/h/.pyenv');
    expect(toolchainMount('/h/.local/share/uv/python/cpython-3.12/bin', '/h')).toBe('/h/.local/share/uv');
    expect(toolchainMount('/h/bin', '/h')).toBe('/h/bin');
    expect(toolchainMount('/h/.ssh', '/h')).toBeNull();
    expect(toolchainMount('/h/.config/tool/bin', '/h')).toBeNull();
    expect(toolchainMount('/usr/bin', '/h')).toBeNull();
    const env = untrustedEnv({
      base: { PATH: '/bin', HTTPS_PROXY: 'http://u:p@proxy:8080', NO_PROXY: 'x', LC_ALL: 'C' },
      network: true,
      home: '/h',
    });
    expect(env).toEqual({ PATH: '/bin', NO_PROXY: 'x', LC_ALL: 'C', HOME: '/h', TMPDIR: '/tmp' });
  });
});
