// The main window: locked-down web preferences, navigation and new windows blocked, GitHub links to the system browser.
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, WebContents } from 'electron';
import { isAppUrl, isGithubUrl } from './links';

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 880,
    minWidth: 820,
    minHeight: 560,
    title: 'mminions',
    show: false,
    backgroundColor: '#0f1318',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}

/**
 * Keeps a web contents on the status server's pages: every other navigation and every new window
 * is refused; GitHub links open in the system browser instead.
 */
export function guardContents(contents: WebContents, appOrigin: string, openExternal: (url: string) => unknown): void {
  const leave = (url: string) => {
    if (isGithubUrl(url)) void Promise.resolve(openExternal(url)).catch(() => undefined);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  const block = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url, appOrigin)) return;
    event.preventDefault();
    leave(url);
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface WindowDeps {
  BrowserWindow: typeof BrowserWindowType;
  openExternal: (url: string) => unknown;
}

/** Opens the dashboard served by the in-process status server (the renderer asks the preload for the token). */
export function createMainWindow(deps: WindowDeps, serverUrl: string, preloadPath: string): BrowserWindowType {
  const win = new deps.BrowserWindow(windowOptions(preloadPath));
  guardContents(win.webContents, serverUrl, deps.openExternal);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${serverUrl}/`);
  return win;
}
