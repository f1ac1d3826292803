// A stand-in for the `electron` module in unit tests (vi.mock('electron')): Electron cannot be launched on our machines.
import { EventEmitter } from 'node:events';

/** Built once per process and kept on globalThis, so a test that re-imports modules still shares one fake. */
function createFakeElectron() {
  class FakeWebContents extends EventEmitter {
    windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
    url = '';
    readonly mainFrame: { url: string; top: unknown } = { url: '', top: null };

    setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
      this.windowOpenHandler = h;
    }

    getURL(): string {
      return this.url;
    }

    getType(): string {
      return 'window';
    }

    /** Emits a navigation attempt the way Electron does; true when a handler prevented it. */
    attempt(kind: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
      let prevented = false;
      this.emit(kind, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    }
  }

  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    shown = false;
    focused = false;
    minimized = false;
    destroyed = false;

    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.instances.push(this);
    }

    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
      this.emit('ready-to-show');
      return Promise.resolve();
    }

    show(): void {
      this.shown = true;
    }

    focus(): void {
      this.focused = true;
    }

    isMinimized(): boolean {
      return this.minimized;
    }

    restore(): void {
      this.minimized = false;
    }

    isDestroyed(): boolean {
      return this.destroyed;
    }
  }

  type Handler = (event: unknown, ...args: unknown[]) => unknown;

  const ipcMain = {
    handlers: new Map<string, Handler>(),
    handle(channel: string, fn: Handler): void {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, fn);
    },
    removeHandler(channel: string): void {
      this.handlers.delete(channel);
    },
  };

  const dialog = {
    answer: { canceled: false, filePaths: ['/home/me/src/project'] } as { canceled: boolean; filePaths: string[] },
    calls: [] as unknown[][],
    errors: [] as Array<{ title: string; content: string }>,
    showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
      this.calls.push(args);
      return Promise.resolve(this.answer);
    },
    showErrorBox(title: string, content: string): void {
      this.errors.push({ title, content });
    },
  };

  class Notification extends EventEmitter {
    static supported = true;
    static shown: Notification[] = [];

    static isSupported(): boolean {
      return Notification.supported;
    }

    constructor(readonly options: { title: string; body: string }) {
      super();
    }

    show(): void {
      Notification.shown.push(this);
    }
  }

  const shell = {
    opened: [] as string[],
    openExternal(url: string): Promise<void> {
      this.opened.push(url);
      return Promise.resolve();
    },
  };

  const Menu = {
    current: null as unknown,
    buildFromTemplate(template: unknown): { template: unknown } {
      return { template };
    },
    setApplicationMenu(menu: unknown): void {
      this.current = menu;
    },
  };

  type HeadersListener = (
    details: { url: string; responseHeaders?: Record<string, string[]> },
    cb: (r: { cancel: boolean; responseHeaders?: Record<string, string[]> }) => void,
  ) => void;
  type PermissionRequest = (contents: { getURL(): string }, permission: string, cb: (ok: boolean) => void) => void;
  type PermissionCheck = (contents: unknown, permission: string, origin: string) => boolean;

  interface FakeSession {
    headersListener: HeadersListener | null;
    permissionRequest: PermissionRequest | null;
    permissionCheck: PermissionCheck | null;
    webRequest: { onHeadersReceived(fn: HeadersListener): void };
    setPermissionRequestHandler(fn: PermissionRequest): void;
    setPermissionCheckHandler(fn: PermissionCheck): void;
  }

  const defaultSession: FakeSession = {
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    webRequest: {
      onHeadersReceived(fn) {
        defaultSession.headersListener = fn;
      },
    },
    setPermissionRequestHandler(fn) {
      defaultSession.permissionRequest = fn;
    },
    setPermissionCheckHandler(fn) {
      defaultSession.permissionCheck = fn;
    },
  };

  const session = { defaultSession };

  class FakeApp extends EventEmitter {
    isPackaged = false;
    sandboxEnabled = false;
    singleInstance = true;
    quits = 0;
    exitCode: number | null = null;

    whenReady(): Promise<void> {
      return Promise.resolve();
    }

    enableSandbox(): void {
      this.sandboxEnabled = true;
    }

    requestSingleInstanceLock(): boolean {
      return this.singleInstance;
    }

    /** Like Electron: will-quit may be prevented; otherwise the app quits. */
    quit(): void {
      this.quits++;
      let prevented = false;
      this.emit('will-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) this.emit('quit');
    }

    exit(code: number): void {
      this.exitCode = code;
    }
  }

  const app = new FakeApp();

  function resetFakeElectron(): void {
    BrowserWindow.instances = [];
    ipcMain.handlers.clear();
    dialog.calls = [];
    dialog.errors = [];
    dialog.answer = { canceled: false, filePaths: ['/home/me/src/project'] };
    Notification.shown = [];
    Notification.supported = true;
    shell.opened = [];
    Menu.current = null;
    session.defaultSession.headersListener = null;
    session.defaultSession.permissionRequest = null;
    session.defaultSession.permissionCheck = null;
    app.removeAllListeners();
    app.quits = 0;
    app.exitCode = null;
    app.sandboxEnabled = false;
    app.singleInstance = true;
  }

  return { app, BrowserWindow, FakeWebContents, ipcMain, dialog, Notification, shell, Menu, session, resetFakeElectron };
}

type FakeElectron = ReturnType<typeof createFakeElectron>;
const holder = globalThis as { __mminionsFakeElectron?: FakeElectron };
const fake: FakeElectron = (holder.__mminionsFakeElectron ??= createFakeElectron());

export const { app, BrowserWindow, FakeWebContents, ipcMain, dialog, Notification, shell, Menu, session, resetFakeElectron } =
  fake;
export type BrowserWindow = InstanceType<FakeElectron['BrowserWindow']>;
export type FakeWebContents = InstanceType<FakeElectron['FakeWebContents']>;
export type Notification = InstanceType<FakeElectron['Notification']>;
export default fake;
