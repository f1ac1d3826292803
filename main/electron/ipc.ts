// The main process side of the preload bridge: three handlers, each answering only our window's top frame.
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type ServerInfo } from '../../preload/bridge';
import { isAppUrl } from './links';

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  getWindow: () => BrowserWindow | null;
  server: ServerInfo;
  notify: (title: string, body: string) => void;
}

export class ForeignSenderError extends Error {
  constructor(channel: string) {
    super(`${channel}: refused, the request does not come from the mminions window`);
    this.name = 'ForeignSenderError';
  }
}

/** True when the event comes from our window's main frame showing a page of our server. */
export function fromOurWindow(event: IpcMainInvokeEvent, win: BrowserWindow | null, appOrigin: string): boolean {
  if (!win || win.isDestroyed() || event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== win.webContents.mainFrame) return false;
  return isAppUrl(frame.url, appOrigin);
}

/** Registers the handlers; returns a function that removes them. */
export function registerIpc(deps: IpcDeps): () => void {
  const guarded =
    <A extends unknown[], R>(channel: string, fn: (...args: A) => R) =>
    (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      if (!fromOurWindow(event, deps.getWindow(), deps.server.url)) throw new ForeignSenderError(channel);
      return fn(...(args as A));
    };

  deps.ipcMain.handle(
    IPC_CHANNELS.server,
    guarded(IPC_CHANNELS.server, (): ServerInfo => ({ url: deps.server.url, token: deps.server.token })),
  );
  deps.ipcMain.handle(
    IPC_CHANNELS.pickFolder,
    guarded(IPC_CHANNELS.pickFolder, async (): Promise<string | null> => {
      const win = deps.getWindow();
      const opts = { title: 'Choose the repository', buttonLabel: 'Use this repository', properties: ['openDirectory' as const] };
      const res = win ? await deps.dialog.showOpenDialog(win, opts) : await deps.dialog.showOpenDialog(opts);
      return res.canceled ? null : (res.filePaths[0] ?? null);
    }),
  );
  deps.ipcMain.handle(
    IPC_CHANNELS.notify,
    guarded(IPC_CHANNELS.notify, (title: unknown, body: unknown): void => {
      if (typeof title !== 'string' || typeof body !== 'string') throw new TypeError('notify(title, body): both must be strings');
      deps.notify(title, body);
    }),
  );
  return () => {
    for (const ch of Object.values(IPC_CHANNELS)) deps.ipcMain.removeHandler(ch);
  };
}
