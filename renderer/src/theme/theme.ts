// Light and dark themes: the person's choice (system / light / dark), kept in localStorage, applied as data-theme.
import type { ITheme } from '@xterm/xterm';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'mminions.theme';

export function nextThemeChoice(c: ThemeChoice): ThemeChoice {
  return c === 'system' ? 'light' : c === 'light' ? 'dark' : 'system';
}

export function effectiveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

export function readThemeChoice(storage: Pick<Storage, 'getItem'> | null): ThemeChoice {
  const v = storage?.getItem(THEME_STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export const TERMINAL_THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#0d1117',
    foreground: '#d6dde6',
    cursor: '#e6edf3',
    cursorAccent: '#0d1117',
    selectionBackground: '#3b5070',
    black: '#1b1f24',
    red: '#ff7b72',
    green: '#7ee787',
    yellow: '#e3b341',
    blue: '#79c0ff',
    magenta: '#d2a8ff',
    cyan: '#76e3ea',
    white: '#c9d1d9',
    brightBlack: '#6e7681',
    brightRed: '#ffa198',
    brightGreen: '#a5f0b0',
    brightYellow: '#f0cf70',
    brightBlue: '#a5d6ff',
    brightMagenta: '#e2c5ff',
    brightCyan: '#b3f0ff',
    brightWhite: '#f0f6fc',
  },
  light: {
    background: '#fbfcfd',
    foreground: '#1f2328',
    cursor: '#1f2328',
    cursorAccent: '#fbfcfd',
    selectionBackground: '#b6d4fb',
    black: '#24292f',
    red: '#cf222e',
    green: '#116329',
    yellow: '#7d4e00',
    blue: '#0550ae',
    magenta: '#8250df',
    cyan: '#1b7c83',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#1a7f37',
    brightYellow: '#633c01',
    brightBlue: '#0969da',
    brightMagenta: '#a475f9',
    brightCyan: '#3192aa',
    brightWhite: '#8c959f',
  },
};
