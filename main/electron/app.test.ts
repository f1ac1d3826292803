// The desktop shell with `electron` replaced: window options, navigation guard, IPC surface and sender checks,
// session lock-down, notifications and shutdown, around the real in-process status server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { privateTmux } from '../../testkit/tmux';
import { buildConfig, type Config } from '../config/config';
import { IPC_CHANNELS } from '../../preload/bridge';
import { startDesktopApp, type DesktopApp } from './app';
import * as fake from '../../testkit/fakeElectron';
import { waitFor } from '../../testkit/testServer';

vi.mock('electron', () => import('../../testkit/fakeElectron'));

let dir: string;
let config: Config;
const tmux = privateTmux('mmel');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-electron-'));
  config = buildConfig(
    {},
    { file: null, env: {}, cwd: dir, overrides: { runs_root: join(dir, 'runs'), tmux_socket: tmux.socket } },
  );
});
afterAll(async () => {
  await tmux.killServer();
  await rm(dir, { recursive: true, force: true });
});

let desktop: DesktopApp | null = null;
beforeEach(() => fake.resetFakeElectron());
afterEach(async () => {
  await desktop?.shutdown();
  desktop = null;
});

const start = async () => {
  desktop = await startDesktopApp({ preloadPath: '/app/out/preload/index.cjs', config, staticDir: join(dir, 'no-dashboard') });
  return desktop;
};
const theWindow = () => {
  expect(fake.BrowserWindow.instances).toHaveLength(1);
  return fake.BrowserWindow.instances[0]!;
};
const invoke = (channel: string, event: unknown, ...args: unknown[]) => {
  const h = fake.ipcMain.handlers.get(channel);
  if (!h) throw new Error(`no handler for ${channel}`);
  return Promise.resolve().then(() => h(event, ...args));
};
const fromWindow = (win: fake.BrowserWindow) => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

describe('desktop app', () => {
  it('serves the API on loopback and opens one locked-down window on it', async () => {
    const d = await start();
    expect(d.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(d.server.token.length).toBeGreaterThanOrEqual(40);
    expect(d.server.tokenPath).toBeNull(); // a fresh token per launch, not stored
    const win = theWindow();
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    });
    expect(win.loadedUrl).toBe(`${d.server.url}/`);
    expect(win.shown).toBe(true);
    const res = await fetch(`${d.server.url}/api/runs`, { headers: { Authorization: `Bearer ${d.server.token}` } });
    expect(res.status).toBe(200);
    expect(fake.Menu.current).not.toBeNull();
  });

  it('exposes exactly three IPC handlers, answering only our window', async () => {
    const d = await start();
    const win = theWindow();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    await expect(invoke(IPC_CHANNELS.server, fromWindow(win))).resolves.toEqual({ url: d.server.url, token: d.server.token });

    const other = new fake.FakeWebContents();
    other.mainFrame.url = `${d.server.url}/`;
    await expect(invoke(IPC_CHANNELS.server, { sender: other, senderFrame: other.mainFrame })).rejects.toThrow(/refused/);
    const subframe = { url: `${d.server.url}/`, top: null };
    await expect(invoke(IPC_CHANNELS.server, { sender: win.webContents, senderFrame: subframe })).rejects.toThrow(/refused/);
    win.webContents.mainFrame.url = 'https://evil.example/';
    await expect(invoke(IPC_CHANNELS.server, fromWindow(win))).rejects.toThrow(/refused/);
    win.webContents.mainFrame.url = `${d.server.url}/#/runs`;
    win.destroyed = true;
    await expect(invoke(IPC_CHANNELS.server, fromWindow(win))).rejects.toThrow(/refused/);
  });

  it('picks a folder with the native dialog and shows bounded notifications', async () => {
    await start();
    const win = theWindow();
    await expect(invoke(IPC_CHANNELS.pickFolder, fromWindow(win))).resolves.toBe('/home/me/src/project');
    expect(fake.dialog.calls[0]![0]).toBe(win);
    expect(fake.dialog.calls[0]![1]).toMatchObject({ properties: ['openDirectory'] });
    fake.dialog.answer = { canceled: true, filePaths: [] };
    await expect(invoke(IPC_CHANNELS.pickFolder, fromWindow(win))).resolves.toBeNull();

    await invoke(IPC_CHANNELS.notify, fromWindow(win), 'A run finished', `${'x'.repeat(1000)}\u0007`);
    expect(fake.Notification.shown).toHaveLength(1);
    const n = fake.Notification.shown[0]!;
    expect(n.options.title).toBe('A run finished');
    expect(n.options.body.length).toBe(400);
    win.minimized = true;
    n.emit('click');
    expect(win.focused && !win.minimized).toBe(true);
    // Markup in an issue title is shown, not read (libnotify would take <a href> and <b>).
    await invoke(IPC_CHANNELS.notify, fromWindow(win), 'Done: <b>x</b>', '<a href="https://evil.example">fix</a> & more');
    expect(fake.Notification.shown[1]!.options).toMatchObject({
      title: 'Done: ‹b›x‹/b›',
      body: '‹a href="https://evil.example"›fix‹/a› ＆ more',
    });
    await expect(invoke(IPC_CHANNELS.notify, fromWindow(win), { title: 'x' }, 'y')).rejects.toThrow(/strings/);
    fake.Notification.supported = false;
    await invoke(IPC_CHANNELS.notify, fromWindow(win), 't', 'b');
    expect(fake.Notification.shown).toHaveLength(2);
  });

  it('keeps the window on the server, sending GitHub links to the system browser', async () => {
    const d = await start();
    const wc = theWindow().webContents;
    expect(wc.attempt('will-navigate', `${d.server.url}/#/new`)).toBe(false);
    expect(wc.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.attempt('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(wc.attempt('will-navigate', 'https://github.com/acme/statsmini/issues/7')).toBe(true);
    expect(wc.attempt('will-attach-webview', 'about:blank')).toBe(true);
    expect(wc.windowOpenHandler!({ url: 'https://github.com/acme/statsmini/issues/8' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'https://github.com.evil.example/x' })).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.shell.opened).toEqual([
      'https://github.com/acme/statsmini/issues/7',
      'https://github.com/acme/statsmini/issues/8',
    ]);
  });

  it('adds a CSP to server pages that lack one and grants only the clipboard permission', async () => {
    const d = await start();
    const s = fake.session.defaultSession;
    const answer = (url: string, headers: Record<string, string[]>) =>
      new Promise<Record<string, string[]> | undefined>((resolve) =>
        s.headersListener!({ url, responseHeaders: headers }, (r: { responseHeaders?: Record<string, string[]> }) =>
          resolve(r.responseHeaders),
        ),
      );
    expect((await answer(`${d.server.url}/`, {}))!['Content-Security-Policy']![0]).toMatch(
      /default-src 'none'; script-src 'self'/,
    );
    expect(await answer(`${d.server.url}/`, { 'content-security-policy': ['default-src x'] })).toEqual({
      'content-security-policy': ['default-src x'],
    });
    expect(await answer('https://example.com/', {})).toBeUndefined();
    const grant = (permission: string, url: string) =>
      new Promise<boolean>((resolve) => s.permissionRequest!({ getURL: () => url }, permission, resolve));
    expect(await grant('clipboard-sanitized-write', `${d.server.url}/`)).toBe(true);
    expect(await grant('media', `${d.server.url}/`)).toBe(false);
    expect(await grant('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(s.permissionCheck!(null, 'geolocation', d.server.url)).toBe(false);
  });

  it('stops the server when the app quits (runs go on in tmux)', async () => {
    const d = await start();
    fake.app.emit('window-all-closed');
    expect(fake.app.quits).toBe(1);
    await waitFor(() => fake.app.quits === 2, 'the second quit, once the server has closed');
    await expect(fetch(`${d.server.url}/health`)).rejects.toThrow();
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await start();
    const win = theWindow();
    win.minimized = true;
    fake.app.emit('second-instance');
    expect(win.focused && !win.minimized).toBe(true);
    win.emit('closed');
    fake.app.emit('activate');
    expect(fake.BrowserWindow.instances).toHaveLength(2);
  });
});
