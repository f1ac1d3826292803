// The open terminals by worker id, readable from outside as window.__mminionsTerminals (tests, debugging).
import type { TerminalSession } from './terminalSession';
import type { TerminalRegistryView } from './registryView';

const sessions = new Map<string, TerminalSession>();

function whenText(worker: string, needle: string, timeoutMs = 30_000): Promise<number | null> {
  const s = sessions.get(worker);
  if (!s) return Promise.resolve(null);
  if (s.screenText().includes(needle)) return Promise.resolve(performance.now());
  return new Promise((resolve) => {
    const done = (at: number | null) => {
      sub.dispose();
      clearTimeout(timer);
      resolve(at);
    };
    const sub = s.term.onWriteParsed(() => {
      if (s.screenText().includes(needle)) done(performance.now());
    });
    const timer = setTimeout(() => done(null), timeoutMs);
  });
}

const view: TerminalRegistryView = {
  list: () => [...sessions.keys()],
  text: (w) => sessions.get(w)?.text() ?? null,
  serialize: (w) => sessions.get(w)?.serialize() ?? null,
  renderer: (w) => sessions.get(w)?.current.renderer ?? null,
  selection: (w) => sessions.get(w)?.term.getSelection() ?? null,
  size: (w) => {
    const t = sessions.get(w)?.term;
    return t ? { cols: t.cols, rows: t.rows } : null;
  },
  received: (w) => sessions.get(w)?.received ?? null,
  whenText,
};

declare global {
  interface Window {
    __mminionsTerminals?: TerminalRegistryView;
  }
}

if (typeof window !== 'undefined') window.__mminionsTerminals = view;

export function registerTerminal(worker: string, s: TerminalSession): () => void {
  sessions.set(worker, s);
  return () => {
    if (sessions.get(worker) === s) sessions.delete(worker);
  };
}

export function terminalFor(worker: string): TerminalSession | undefined {
  return sessions.get(worker);
}
