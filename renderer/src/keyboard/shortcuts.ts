// Keyboard shortcuts: which key does what, ignored while typing in a field or a terminal.
import type { TabName } from '../stores/route';
import { TABS } from '../stores/route';

export type ShortcutAction =
  | { kind: 'new-run' }
  | { kind: 'tab'; tab: TabName }
  | { kind: 'search-terminal' }
  | { kind: 'help' }
  | { kind: 'escape' };

export const SHORTCUTS: Array<{ keys: string; what: string }> = [
  { keys: 'n', what: 'Start a new run' },
  { keys: '1 – 7', what: 'Switch tab: Overview, Workers, Repro, Hypotheses, Fix, Metrics, Report' },
  { keys: '/', what: 'Search in the focused terminal' },
  { keys: 'Ctrl+Shift+F', what: 'Search, from inside a terminal' },
  { keys: '?', what: 'Show this help' },
  { keys: 'Esc', what: 'Close a dialog or the search box' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  closest?: (sel: string) => unknown;
}

/** True when the key belongs to what the person is typing into. */
export function isTypingTarget(t: TargetLike | null): boolean {
  if (!t) return false;
  const tag = (t.tagName ?? '').toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable) return true;
  return Boolean(t.closest?.('.xterm'));
}

export function shortcutFor(e: KeyLike, target: TargetLike | null): ShortcutAction | null {
  if (e.key === 'Escape') return { kind: 'escape' };
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(target)) return null;
  if (e.key === 'n') return { kind: 'new-run' };
  if (e.key === '/') return { kind: 'search-terminal' };
  if (e.key === '?') return { kind: 'help' };
  if (/^[1-7]$/.test(e.key)) return { kind: 'tab', tab: TABS[Number(e.key) - 1]!.id };
  return null;
}
