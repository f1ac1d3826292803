import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor } from './shortcuts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('maps keys to actions', () => {
    expect(shortcutFor(key('n'), null)).toEqual({ kind: 'new-run' });
    expect(shortcutFor(key('3'), null)).toEqual({ kind: 'tab', tab: 'repro' });
    expect(shortcutFor(key('5'), null)).toEqual({ kind: 'tab', tab: 'fix' });
    expect(shortcutFor(key('7'), null)).toEqual({ kind: 'tab', tab: 'report' });
    expect(shortcutFor(key('/'), null)).toEqual({ kind: 'search-terminal' });
    expect(shortcutFor(key('?'), null)).toEqual({ kind: 'help' });
    expect(shortcutFor(key('8'), null)).toBeNull();
    expect(shortcutFor(key('n', { ctrlKey: true }), null)).toBeNull();
  });

  it('leaves keys alone while typing in a field or a terminal', () => {
    expect(shortcutFor(key('n'), { tagName: 'input' })).toBeNull();
    expect(shortcutFor(key('1'), { tagName: 'TEXTAREA' })).toBeNull();
    expect(isTypingTarget({ tagName: 'DIV', closest: (s: string) => (s === '.xterm' ? {} : null) })).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON', closest: () => null })).toBe(false);
    expect(shortcutFor(key('Escape'), { tagName: 'INPUT' })).toEqual({ kind: 'escape' });
  });
});
