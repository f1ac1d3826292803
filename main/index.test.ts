// The Electron entry point with `electron` replaced: one instance, the sandbox on, the app started, startup errors shown.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { privateTmux } from '../testkit/tmux';
import * as fake from '../testkit/fakeElectron';
import { waitFor } from '../testkit/testServer';

vi.mock('electron', () => import('../testkit/fakeElectron'));

let dir: string;
const tmux = privateTmux('mmidx');
const savedConfig = process.env.MMINIONS_CONFIG;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-index-'));
});
afterAll(async () => {
  if (savedConfig === undefined) delete process.env.MMINIONS_CONFIG;
  else process.env.MMINIONS_CONFIG = savedConfig;
  await tmux.killServer();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => vi.resetModules());

/** A fresh entry module (the mocked electron module stays the one this file imported). */
async function load(singleInstance: boolean) {
  fake.resetFakeElectron();
  fake.app.singleInstance = singleInstance;
  await import('./index');
  return fake;
}

describe('main/index.ts', () => {
  it('quits when another instance already runs', async () => {
    const fake = await load(false);
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.app.quits).toBe(1);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
  });

  it('starts the server from mminions.toml and opens the window with the built CommonJS preload', async () => {
    const toml = join(dir, 'mminions.toml');
    await writeFile(toml, `[manager]\nruns_root = "${join(dir, 'runs')}"\n\n[tmux]\nsocket = "${tmux.socket}"\n`);
    process.env.MMINIONS_CONFIG = toml;
    const fake = await load(true);
    const win = await waitFor(() => fake.BrowserWindow.instances[0], 'the window');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(String(prefs.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(win.loadedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await fetch(`${win.loadedUrl}health`);
    expect(await health.json()).toEqual({ ok: true });
    fake.app.emit('window-all-closed');
    await waitFor(() => fake.app.quits === 2, 'the second quit after shutdown');
    await expect(fetch(`${win.loadedUrl}health`)).rejects.toThrow();
  });

  it('explains a startup failure and exits', async () => {
    const toml = join(dir, 'bad.toml');
    await writeFile(toml, '[manager]\nworkers = "many"\n');
    process.env.MMINIONS_CONFIG = toml;
    const fake = await load(true);
    await waitFor(() => fake.app.exitCode !== null, 'the exit');
    expect(fake.app.exitCode).toBe(1);
    expect(fake.dialog.errors[0]!.title).toBe('mminions could not start');
    expect(fake.dialog.errors[0]!.content).toMatch(/manager\.workers/);
    expect(fake.dialog.errors[0]!.content).toMatch(/mminions server/);
  });
});
