// The desktop app's life: start the status server, lock the session down, open the window, serve the bridge, clean up.
import { BrowserWindow, app, dialog, ipcMain, Menu, Notification, session, shell } from 'electron';
import { loadConfig, type Config } from '../config/config';
import type { StatusServer } from '../server/server';
import { lockDownSession } from './csp';
import { registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { makeNotifier } from './notifications';
import { startEmbeddedServer } from './server';
import { createMainWindow, guardContents } from './window';

export interface DesktopOptions {
  /** out/preload/index.cjs (resolved by the entry point, which knows where the build put it). */
  preloadPath: string;
  /** Default: mminions.toml as the CLI finds it. */
  config?: Config;
  staticDir?: string;
  devTools?: boolean;
}

export interface DesktopApp {
  server: StatusServer;
  window: () => BrowserWindow | null;
  /** Stops the server (terminal attachments end; runs and their tmux sessions go on). */
  shutdown: () => Promise<void>;
}

export async function startDesktopApp(o: DesktopOptions): Promise<DesktopApp> {
  const config = o.config ?? loadConfig();
  await app.whenReady();
  const server = await startEmbeddedServer({
    config,
    execPath: process.execPath,
    staticDir: o.staticDir,
    log: (l) => console.error(`[mminions server] ${l}`),
  });
  lockDownSession(session.defaultSession, server.url);
  // Any web contents created later (devtools aside) gets the same navigation guard.
  app.on('web-contents-created', (_e, contents) => {
    if (contents.getType() !== 'window') return;
    guardContents(contents, server.url, (url) => shell.openExternal(url));
  });

  let win: BrowserWindow | null = null;
  const open = () => {
    win = createMainWindow({ BrowserWindow, openExternal: (url) => shell.openExternal(url) }, server.url, o.preloadPath);
    win.on('closed', () => {
      win = null;
    });
  };
  const unregister = registerIpc({
    ipcMain,
    dialog,
    getWindow: () => win,
    server: { url: server.url, token: server.token },
    notify: makeNotifier({ Notification, getWindow: () => win }),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, { devTools: o.devTools ?? !app.isPackaged })));
  open();

  let closing: Promise<void> | null = null;
  const shutdown = () =>
    (closing ??= (async () => {
      unregister();
      await server.close();
    })());

  app.on('second-instance', () => {
    if (!win) return open();
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('activate', () => {
    if (!win) open();
  });
  // Runs live in tmux and on disk: closing the window ends only the app, never a run.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (e) => {
    if (closing) return;
    e.preventDefault();
    void shutdown().finally(() => app.quit());
  });
  return { server, window: () => win, shutdown };
}
