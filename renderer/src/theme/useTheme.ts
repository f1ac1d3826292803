// The effective theme (the person's choice, or the system's light/dark preference), applied to <html data-theme>.
import { useEffect, useState } from 'react';
import { useUi } from '../stores/context';
import { effectiveTheme, THEME_STORAGE_KEY, type Theme } from './theme';

const query = () =>
  typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export function useSystemDark(): boolean {
  const [dark, setDark] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const q = query();
    if (!q) return;
    const on = () => setDark(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark;
}

export function useEffectiveTheme(): Theme {
  const choice = useUi((s) => s.themeChoice);
  return effectiveTheme(choice, useSystemDark());
}

/** Keeps <html data-theme> and the stored choice in step with the store. */
export function useApplyTheme(): Theme {
  const choice = useUi((s) => s.themeChoice);
  const theme = useEffectiveTheme();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
    try {
      if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // storage may be unavailable; the choice then lasts for this page only
    }
  }, [theme, choice]);
  return theme;
}
