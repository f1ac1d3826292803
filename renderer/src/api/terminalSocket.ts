// The terminal WebSocket protocol: binary frames are output bytes, text frames are JSON control messages (common/api.ts).
import { TerminalServerMessage } from '../../../common/api';

export type TerminalControl = TerminalServerMessage;

/** A control message as the server defines it, or null for anything else. */
export function parseControl(text: string): TerminalControl | null {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  const r = TerminalServerMessage.safeParse(msg);
  return r.success ? r.data : null;
}

export interface TerminalSocketHandlers {
  onOutput(bytes: Uint8Array): void;
  onControl(msg: TerminalControl): void;
  onClose(info: { code: number; reason: string }): void;
}

export class TerminalSocket {
  private readonly ws: WebSocket;

  constructor(url: string, handlers: TerminalSocketHandlers) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') {
        const msg = parseControl(ev.data);
        if (msg) handlers.onControl(msg);
      } else if (ev.data instanceof ArrayBuffer) {
        handlers.onOutput(new Uint8Array(ev.data));
      }
    };
    this.ws.onclose = (ev: CloseEvent) => handlers.onClose({ code: ev.code, reason: ev.reason });
  }

  private sendJson(msg: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  sendInput(data: string): void {
    this.sendJson({ type: 'input', data });
  }

  sendResize(cols: number, rows: number): void {
    this.sendJson({ type: 'resize', cols, rows });
  }

  sendAck(bytes: number): void {
    this.sendJson({ type: 'ack', bytes });
  }

  /** Sends once the socket is open (resize right after connecting). */
  whenOpen(fn: () => void): void {
    if (this.ws.readyState === WebSocket.OPEN) fn();
    else this.ws.addEventListener('open', fn, { once: true });
  }

  close(): void {
    this.ws.onclose = null;
    this.ws.onmessage = null;
    this.ws.close();
  }
}
