// Every open terminal of a server: opens bridges, reports their stats, closes them all on shutdown.
import type { WebSocket } from 'ws';
import { TerminalBridge, type TerminalBridgeOptions, type TerminalStats } from './bridge';

export class TerminalHub {
  private readonly bridges = new Set<TerminalBridge>();

  open(ws: WebSocket, o: TerminalBridgeOptions): TerminalBridge {
    const bridge = new TerminalBridge(ws, o);
    this.bridges.add(bridge);
    void bridge.exited.then(() => this.bridges.delete(bridge));
    ws.on('close', () => this.bridges.delete(bridge));
    bridge.start();
    return bridge;
  }

  stats(): TerminalStats[] {
    return [...this.bridges].map((b) => b.stats());
  }

  get size(): number {
    return this.bridges.size;
  }

  /** Ends every attach process (never the sessions) and waits for them to exit. */
  async closeAll(): Promise<void> {
    const all = [...this.bridges];
    for (const b of all) b.close();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((r) => (timer = setTimeout(r, 3000)));
    await Promise.race([Promise.all(all.map((b) => b.exited)), giveUp]);
    clearTimeout(timer);
    this.bridges.clear();
  }
}
