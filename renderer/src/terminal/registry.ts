// The open terminals by worker id, readable from outside as window.__mminionsTerminals (tests, debugging).
import type { TerminalSession } from './terminalSession';

const sessions = new Map<string, TerminalSession>();

export interface TerminalRegistryView {
  list(): string[];
  text(worker: string): string | null;
  serialize(worker: string): string | null;
  renderer(worker: string): string | null;
  selection(worker: string): string | null;
  size(worker: string): { cols: number; rows: number } | null;
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
