// `npm start` where Electron's binary is missing: a plain message, then the same dashboard served for a browser.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../testkit/testServer';
import { ROOT, requireBuiltDashboard } from './support/dashboard';

let dir: string;
beforeAll(async () => {
  requireBuiltDashboard();
  dir = await mkdtemp(join(tmpdir(), 'mm-start-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm start without Electron', () => {
  it('says so plainly and serves the dashboard, printing the URL to open', async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'scripts', 'start.mjs'),
        '--no-build',
        '--port',
        '0',
        '--runs-root',
        join(dir, 'runs'),
        '--tmux-socket',
        `mmstart-${process.pid}`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, MMINIONS_BROWSER: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = (await waitFor(
        () => /mminions server: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1],
        'the printed URL',
        20_000,
      ))!;
      expect(out).toContain('[mminions] Electron is not installed on this machine, so the desktop window cannot open.');
      expect(out).toContain('Open the URL printed below in your browser');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const token = new URL(url).searchParams.get('token')!;
      const runs = await fetch(new URL('/api/runs', url), { headers: { Authorization: `Bearer ${token}` } });
      expect(await runs.json()).toMatchObject({ count: 0 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
