// One embedded terminal: xterm.js attached to a tmux session through the terminal WebSocket, with flow control.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { SerializeAddon } from '@xterm/addon-serialize';
import type { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type IDisposable, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TerminalMode } from '../api/client';
import { TerminalSocket, type TerminalControl } from '../api/terminalSocket';
import { AckBatcher } from './ackBatcher';

export type TerminalPhase = 'connecting' | 'attached' | 'ended' | 'error' | 'disconnected';

export interface TerminalState {
  phase: TerminalPhase;
  message: string | null;
  session: string | null;
  renderer: 'webgl' | 'dom';
}

export interface TerminalSessionOptions {
  url: (mode: TerminalMode, cols: number, rows: number) => string;
  readOnly: boolean;
  theme: ITheme;
  onState: (s: TerminalState) => void;
}

const RETRY_MS = [1000, 2000, 5000];

let softwareGl: boolean | null = null;
/**
 * Whether this browser's WebGL is drawn by the CPU (SwiftShader, llvmpipe: no GPU, e.g. headless or a
 * VM). There the DOM renderer costs far less CPU, which a busy session's other processes need
 * (docs/performance.md, part 5).
 */
export function softwareWebgl(): boolean {
  if (softwareGl !== null) return softwareGl;
  softwareGl = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const name = gl ? String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : '';
    softwareGl = /swiftshader|llvmpipe|softpipe|software/i.test(name);
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // No WebGL at all: the addon's own loading fails and the DOM renderer stays.
  }
  return softwareGl;
}

export class TerminalSession {
  readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly searchAddon = new SearchAddon();
  private readonly serializeAddon = new SerializeAddon();
  private webgl: WebglAddon | null = null;
  private wantWebgl = false;
  private loadingWebgl = false;
  private socket: TerminalSocket | null = null;
  private readOnly: boolean;
  private gotOutput = false;
  /** Output bytes received on the current socket (tests and benchmarks read it through the registry). */
  received = 0;
  private disposed = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly subscriptions: IDisposable[] = [];
  private state: TerminalState = { phase: 'connecting', message: null, session: null, renderer: 'dom' };

  constructor(private readonly opts: TerminalSessionOptions) {
    this.readOnly = opts.readOnly;
    this.term = new Terminal({
      theme: opts.theme,
      fontFamily: 'ui-monospace, "JetBrains Mono", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 1.1,
      scrollback: 5000,
      cursorBlink: false,
      disableStdin: opts.readOnly,
      allowProposedApi: false,
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(this.searchAddon);
    this.term.loadAddon(this.serializeAddon);
    this.subscriptions.push(
      this.term.onData((d) => {
        if (!this.readOnly) this.socket?.sendInput(d);
      }),
      this.term.onBinary((d) => {
        if (!this.readOnly) this.socket?.sendInput(d);
      }),
      this.term.onResize(({ cols, rows }) => this.socket?.sendResize(cols, rows)),
    );
  }

  get current(): TerminalState {
    return this.state;
  }

  get isReadOnly(): boolean {
    return this.readOnly;
  }

  private setState(patch: Partial<TerminalState>): void {
    this.state = { ...this.state, ...patch };
    this.opts.onState(this.state);
  }

  open(host: HTMLElement): void {
    this.term.open(host);
    this.fit();
    this.connect();
  }

  /** (Re)attaches: a fresh socket in the current mode; tmux redraws the screen on attach. */
  connect(): void {
    if (this.disposed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.term.reset();
    this.gotOutput = false;
    this.received = 0;
    this.setState({ phase: 'connecting', message: null });
    const socket: TerminalSocket = new TerminalSocket(
      this.opts.url(this.readOnly ? 'ro' : 'rw', this.term.cols, this.term.rows),
      {
        onOutput: (bytes) => {
          this.gotOutput = true;
          this.received += bytes.length;
          this.term.write(bytes, acks.track(bytes.length));
        },
        onControl: (msg) => this.onControl(msg),
        onClose: ({ reason }) => {
          if (this.socket !== socket || this.disposed) return;
          this.socket = null;
          if (this.state.phase === 'ended' || this.state.phase === 'error') return;
          const wasAttached = this.state.phase === 'attached';
          this.setState({ phase: 'disconnected', message: reason || 'the connection to the terminal closed' });
          if (wasAttached) this.retries = 0;
          if (this.retries < RETRY_MS.length) {
            const delay = RETRY_MS[this.retries++]!;
            this.retryTimer = setTimeout(() => this.connect(), delay);
          }
        },
      },
    );
    const acks = new AckBatcher((n) => socket.sendAck(n));
    this.socket = socket;
    socket.whenOpen(() => socket.sendResize(this.term.cols, this.term.rows));
  }

  private onControl(msg: TerminalControl): void {
    if (msg.type === 'ready') {
      this.retries = 0;
      this.setState({ phase: 'attached', message: null, session: msg.session || null });
      if (msg.cols && msg.rows) this.showAt(msg.cols, msg.rows);
    } else if (msg.type === 'size') {
      this.showAt(msg.cols, msg.rows);
    } else if (msg.type === 'ended') {
      if (!this.gotOutput && msg.pane_tail) this.term.write(`${msg.pane_tail.replace(/\r?\n/g, '\r\n')}\r\n`);
      this.term.write(`\r\n\x1b[2m[${msg.message}]\x1b[0m\r\n`);
      this.setState({ phase: 'ended', message: msg.message });
    } else {
      this.setState({ phase: 'error', message: msg.message });
    }
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.readOnly) return;
    this.readOnly = readOnly;
    this.fixedSize = null;
    this.term.options.disableStdin = readOnly;
    // The server decides the mode when the socket opens, so switching reconnects.
    this.connect();
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme;
  }

  /**
   * WebGL only for the focused terminal (browsers cap live WebGL contexts); the DOM renderer
   * otherwise, and whenever WebGL is unavailable, drawn in software, or its context is lost.
   */
  setWebgl(on: boolean): void {
    this.wantWebgl = on && !softwareWebgl();
    if (this.disposed) return;
    if (!this.wantWebgl) {
      if (this.webgl) {
        this.webgl.dispose();
        this.webgl = null;
        this.setState({ renderer: 'dom' });
      }
      return;
    }
    if (this.webgl || this.loadingWebgl) return;
    this.loadingWebgl = true;
    import('@xterm/addon-webgl')
      .then(({ WebglAddon: Addon }) => {
        this.loadingWebgl = false;
        if (this.disposed || !this.wantWebgl || this.webgl) return;
        const addon = new Addon();
        addon.onContextLoss(() => {
          addon.dispose();
          if (this.webgl === addon) this.webgl = null;
          this.setState({ renderer: 'dom' });
        });
        this.term.loadAddon(addon);
        this.webgl = addon;
        this.setState({ renderer: 'webgl' });
      })
      .catch(() => {
        this.loadingWebgl = false;
        this.webgl = null; // no WebGL here: the DOM renderer stays
        this.setState({ renderer: 'dom' });
      });
  }

  /** A read-only view shows the window at the window's own size (it never resizes the shared window). */
  private fixedSize: { cols: number; rows: number } | null = null;

  private showAt(cols: number, rows: number): void {
    if (!this.readOnly || this.disposed) return;
    this.fixedSize = { cols, rows };
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  /** Fits the terminal to its pane (when the pane is laid out and visible); a read-only view keeps the window's size. */
  fit(): void {
    if (this.disposed) return;
    if (this.readOnly && this.fixedSize) return;
    const el = this.term.element;
    if (!el || el.clientWidth === 0 || el.clientHeight === 0) return;
    const dims = this.fitAddon.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows)) return;
    if (dims.cols !== this.term.cols || dims.rows !== this.term.rows) this.fitAddon.fit();
  }

  findNext(query: string): boolean {
    return query ? this.searchAddon.findNext(query, { caseSensitive: false }) : false;
  }

  findPrevious(query: string): boolean {
    return query ? this.searchAddon.findPrevious(query, { caseSensitive: false }) : false;
  }

  clearSearch(): void {
    this.searchAddon.clearDecorations();
    this.term.clearSelection();
  }

  focus(): void {
    this.term.focus();
  }

  /** The buffer as plain text (what a person reads; the WebGL renderer leaves no text in the DOM). */
  text(): string {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '');
  }

  /** The visible rows only, as plain text (cheap: no scrollback). */
  screenText(): string {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = b.viewportY; i < b.viewportY + this.term.rows; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  serialize(): string {
    return this.serializeAddon.serialize();
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
    for (const s of this.subscriptions) s.dispose();
    this.webgl?.dispose();
    this.webgl = null;
    this.term.dispose();
  }
}
