// One browser terminal: a WebSocket joined to a node-pty running `tmux attach` (batched, UTF-8 safe, flow-controlled).
import { homedir } from 'node:os';
import * as pty from 'node-pty';
import type { RawData, WebSocket } from 'ws';
import { TerminalClientMessage, type TerminalMode, type TerminalServerMessage } from '../../common/api';
import { attachArgs, attachEnv } from './attach';
import { OutputBatcher } from './batcher';
import { FlowControl } from './flow';

export interface TerminalBridgeOptions {
  /** tmux argv prefix reaching the configured server (Tmux.baseArgs()). */
  tmuxBase: readonly string[];
  session: string;
  mode: TerminalMode;
  cols: number;
  rows: number;
  /** The pane's last output, sent with `ended` when the session goes away while attached. */
  paneTail?: () => Promise<string>;
  /**
   * Read-only viewers: the size of the session's terminal (window plus status line). The viewer's pty
   * follows it instead of the browser's size, so watching never resizes the shared window.
   */
  windowSize?: () => Promise<{ cols: number; rows: number } | null>;
  /** Flow-control thresholds (bytes); the defaults are ~1 MB / ~256 KB. */
  highWater?: number;
  lowWater?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TerminalStats {
  session: string;
  mode: TerminalMode;
  pid: number | null;
  sentBytes: number;
  ackedBytes: number;
  inFlight: number;
  paused: boolean;
  pauses: number;
  resumes: number;
  cols: number;
  rows: number;
}

export function sendControl(ws: WebSocket, msg: TerminalServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/** Tells the client the session is gone (with its last output) and closes the socket. */
export function sendEnded(ws: WebSocket, message: string, paneTail: string): void {
  sendControl(ws, { type: 'ended', message, pane_tail: paneTail });
  if (ws.readyState === ws.OPEN) ws.close(1000, 'session ended');
}

export class TerminalBridge {
  private proc: pty.IPty | null = null;
  private readonly flow: FlowControl;
  private readonly batcher: OutputBatcher;
  private closed = false;
  private cols: number;
  private rows: number;
  /** Resolves when the attach process has exited (or never started). */
  readonly exited: Promise<void>;
  private markExited: () => void = () => undefined;
  private sizeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly o: TerminalBridgeOptions,
  ) {
    this.flow = new FlowControl(o.highWater, o.lowWater);
    this.cols = o.cols;
    this.rows = o.rows;
    this.exited = new Promise((r) => (this.markExited = r));
    this.batcher = new OutputBatcher((frame) => this.sendFrame(frame));
  }

  /** Spawns the attach process and wires both directions. */
  start(): void {
    const args = attachArgs(this.o.tmuxBase, this.o.session, this.o.mode);
    try {
      this.proc = pty.spawn('tmux', args, {
        name: 'xterm-256color',
        cols: this.cols,
        rows: this.rows,
        cwd: homedir() || '/',
        env: attachEnv(this.o.env ?? process.env),
        encoding: null,
      });
    } catch (err) {
      sendControl(this.ws, {
        type: 'error',
        message: `could not start tmux attach: ${(err as Error).message}; is tmux installed and on PATH?`,
      });
      this.ws.close(1011, 'attach failed');
      this.closed = true;
      this.markExited();
      return;
    }
    const proc = this.proc;
    proc.onData((data) => this.batcher.push(data as unknown as Buffer));
    proc.onExit(() => void this.onExit());
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.close());
    this.ws.on('error', () => this.close());
    if (this.o.mode === 'ro' && this.o.windowSize) {
      sendControl(this.ws, { type: 'ready', session: this.o.session, cols: this.cols, rows: this.rows });
      this.sizeTimer = setInterval(() => void this.followWindow(), 1_000);
    } else {
      sendControl(this.ws, { type: 'ready', session: this.o.session });
    }
  }

  /** A read-only viewer's pty keeps the window's size, whoever resizes the window. */
  private async followWindow(): Promise<void> {
    const size = await this.o.windowSize?.().catch(() => null);
    if (!size || this.closed || (size.cols === this.cols && size.rows === this.rows)) return;
    this.cols = size.cols;
    this.rows = size.rows;
    try {
      this.proc?.resize(size.cols, size.rows);
    } catch {
      return; // exiting
    }
    sendControl(this.ws, { type: 'size', cols: size.cols, rows: size.rows });
  }

  stats(): TerminalStats {
    return {
      session: this.o.session,
      mode: this.o.mode,
      pid: this.proc?.pid ?? null,
      sentBytes: this.flow.sent,
      ackedBytes: this.flow.acked,
      inFlight: this.flow.inFlight,
      paused: this.flow.paused,
      pauses: this.flow.pauses,
      resumes: this.flow.resumes,
      cols: this.cols,
      rows: this.rows,
    };
  }

  /** Ends the attach process (the tmux session stays) and the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sizeTimer) clearInterval(this.sizeTimer);
    this.batcher.dispose();
    try {
      this.proc?.kill();
    } catch {
      // Already gone.
    }
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(1001, 'terminal closed');
  }

  private sendFrame(frame: Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, { binary: true });
    if (this.flow.onSent(frame.length)) this.proc?.pause();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      sendControl(this.ws, {
        type: 'error',
        message: 'binary messages are not accepted: send JSON text such as {"type":"input","data":"ls\\r"}',
      });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      sendControl(this.ws, { type: 'error', message: 'not JSON: send {"type":"input"|"resize"|"ack", ...}' });
      return;
    }
    const res = TerminalClientMessage.safeParse(parsed);
    if (!res.success) {
      const first = res.error.issues[0];
      sendControl(this.ws, {
        type: 'error',
        message: `invalid message: ${first ? `${first.path.join('.') || 'type'}: ${first.message}` : 'unknown'}`,
      });
      return;
    }
    const msg = res.data;
    switch (msg.type) {
      case 'input':
        if (this.o.mode === 'rw') this.proc?.write(msg.data);
        break;
      case 'resize':
        if (this.o.mode === 'ro' && this.o.windowSize) break; // a viewer shows the window at its own size
        this.cols = msg.cols;
        this.rows = msg.rows;
        try {
          this.proc?.resize(msg.cols, msg.rows);
        } catch {
          // The process is exiting.
        }
        break;
      case 'ack':
        if (this.flow.onAck(msg.bytes)) this.proc?.resume();
        break;
    }
  }

  private async onExit(): Promise<void> {
    this.markExited();
    if (this.closed) return;
    this.batcher.flush(true);
    this.closed = true;
    const tail = this.o.paneTail ? await this.o.paneTail().catch(() => '') : '';
    sendEnded(
      this.ws,
      `session ${this.o.session} ended (its last output is below; the run's agents/ and telemetry/ folders keep the rest)`,
      tail,
    );
  }
}
