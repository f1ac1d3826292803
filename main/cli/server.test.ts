import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateTmux } from '../../testkit/tmux';
import { SessionsLog } from '../manager/workers/sessionsLog';
import { RunStore } from '../runs/runStore';
import { sessionName } from '../tmux/tmux';
import { openTerminal, rawRequest, waitFor } from '../../testkit/testServer';
import { cliScript } from './self';

const tmux = privateTmux('mmcli');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-cli-server-'));
  await writeFile(join(dir, 'mminions.toml'), '');
});
afterAll(async () => {
  await tmux.killServer();
  await rm(dir, { recursive: true, force: true });
});

describe('mminions server', () => {
  it('prints the URL with the token and the real port, serves, and stops cleanly on SIGTERM (ending terminals, not sessions)', async () => {
    const root = join(dir, 'runs');
    const run = 'run-20260701000000';
    const { paths } = await new RunStore(root).create(run);
    await new SessionsLog(paths.sessions, {
      runId: run,
      socket: tmux.socket,
      managerSession: sessionName(run, 'manager'),
      issueUrl: null,
      pid: null,
    }).flush();
    await tmux.newSession({ name: sessionName(run, 'manager'), cwd: dir, command: 'sleep 300' });

    const child = execa(
      'node',
      [
        cliScript(),
        'server',
        '--runs-root',
        root,
        '--port',
        '0',
        '--tmux-socket',
        tmux.socket!,
        '--config',
        join(dir, 'mminions.toml'),
      ],
      { cwd: dir, reject: false },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const m = await waitFor(
      () => /^mminions server: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]+)$/m.exec(out),
      'the URL line',
      20_000,
    );
    const port = Number(m[2]);
    const token = m[3]!;
    expect(port).toBeGreaterThan(0);
    await waitFor(() => out.includes(`token file: ${join(root, '.mminions', 'token')}`), 'the token file line');
    expect((await rawRequest(port, '/health')).json()).toEqual({ ok: true });
    const runs = await rawRequest(port, '/api/runs', { headers: { authorization: `Bearer ${token}` } });
    expect(runs.json().runs).toEqual([run]);

    const term = await openTerminal(port, `/api/runs/${run}/terminal/manager?mode=ro&token=${token}`);
    await waitFor(() => term.messages.some((x) => x.type === 'ready'), 'ready');
    const clientPid = Number(
      await waitFor(
        async () => (await execa('tmux', [...tmux.baseArgs(), 'list-clients', '-F', '#{client_pid}'])).stdout.trim(),
        'an attached client',
      ),
    );
    child.kill('SIGTERM');
    const res = await child;
    expect(res.exitCode).toBe(0);
    expect(out).toMatch(/SIGTERM, closing/);
    await term.closed;
    await waitFor(() => {
      try {
        process.kill(clientPid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the attach process to end');
    expect(await tmux.hasSession(sessionName(run, 'manager'))).toBe(true);
  });

  it('refuses a non-loopback host without --allow-remote', async () => {
    const res = await execa(
      'node',
      [
        cliScript(),
        'server',
        '--runs-root',
        join(dir, 'runs2'),
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--config',
        join(dir, 'mminions.toml'),
      ],
      { cwd: dir, reject: false },
    );
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/not a loopback address.*--allow-remote/);
  });

  it('explains a port that is taken', async () => {
    const first = execa(
      'node',
      [
        cliScript(),
        'server',
        '--runs-root',
        join(dir, 'runs3'),
        '--port',
        '0',
        '--quiet',
        '--config',
        join(dir, 'mminions.toml'),
      ],
      { cwd: dir, reject: false },
    );
    let out = '';
    first.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const port = (await waitFor(() => /127\.0\.0\.1:(\d+)/.exec(out), 'the first server', 20_000))[1]!;
    const second = await execa(
      'node',
      [cliScript(), 'server', '--runs-root', join(dir, 'runs3'), '--port', port, '--config', join(dir, 'mminions.toml')],
      { cwd: dir, reject: false },
    );
    first.kill('SIGINT');
    expect((await first).exitCode).toBe(0);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*--port`));
  });
});

describe('mminions server: choosing the token', () => {
  const start = async (args: string[], env: Record<string, string> = {}) => {
    const root = join(dir, `runs-token-${Math.random().toString(36).slice(2)}`);
    const child = execa(
      'node',
      [cliScript(), 'server', '--runs-root', root, '--port', '0', '--quiet', '--config', join(dir, 'mminions.toml'), ...args],
      { cwd: dir, reject: false, env: { ...process.env, MMINIONS_TOKEN: '', ...env } },
    );
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const m = await waitFor(
      () => /^mminions server: http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)$/m.exec(out),
      'the URL line',
      20_000,
    );
    const port = Number(m[1]);
    const works = async (token: string) =>
      (await rawRequest(port, '/api/runs', { headers: { authorization: `Bearer ${token}` } })).status;
    const stop = async () => {
      child.kill('SIGTERM');
      await child;
    };
    return { err: () => err, works, stop, ps: () => execa('ps', ['-o', 'args=', '-p', String(child.pid)]).then((r) => r.stdout) };
  };

  it('takes it from --token-file or MMINIONS_TOKEN, where ps does not show it; --token warns', async () => {
    const file = join(dir, 'token.txt');
    await writeFile(file, 'from-a-file-0123456789\n', { mode: 0o600 });
    const a = await start(['--token-file', file]);
    expect(await a.works('from-a-file-0123456789')).toBe(200);
    expect(await a.ps()).not.toContain('from-a-file-0123456789');
    await a.stop();

    const b = await start([], { MMINIONS_TOKEN: 'from-the-env-0123456789' });
    expect(await b.works('from-the-env-0123456789')).toBe(200);
    expect(await b.works('wrong-token-0123456789')).toBe(401);
    await b.stop();

    const c = await start(['--token', 'on-the-command-line-123']);
    expect(await c.works('on-the-command-line-123')).toBe(200);
    expect(c.err()).toMatch(/--token is visible to every user of this machine \(ps\); use --token-file FILE or MMINIONS_TOKEN/);
    await c.stop();
  });
});
