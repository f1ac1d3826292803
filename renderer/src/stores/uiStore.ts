// UI state that is not server data: where we are, theme, help, which terminal has focus and which are open.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ThemeChoice } from '../theme/theme';
import type { Route, TabName } from './route';

export interface UiState {
  route: Route;
  themeChoice: ThemeChoice;
  helpOpen: boolean;
  /** The terminal (worker id) that last had focus: it gets WebGL and the `/` search. */
  focusedTerminal: string | null;
  /** Bumped to ask a terminal to open its search box. */
  searchRequest: { worker: string; seq: number } | null;
  /** Terminal panes the person opened or closed, by worker id (default: open while the session lives). */
  terminalChoice: Record<string, boolean>;
  navigate(route: Route): void;
  setTab(tab: TabName): void;
  setThemeChoice(c: ThemeChoice): void;
  setHelpOpen(open: boolean): void;
  setFocusedTerminal(worker: string | null): void;
  requestSearch(worker: string): void;
  setTerminalOpen(worker: string, open: boolean): void;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(init: { route: Route; themeChoice: ThemeChoice }): UiStore {
  return createStore<UiState>()((set, get) => ({
    route: init.route,
    themeChoice: init.themeChoice,
    helpOpen: false,
    focusedTerminal: null,
    searchRequest: null,
    terminalChoice: {},
    navigate(route) {
      const prev = get().route;
      if (JSON.stringify(prev) === JSON.stringify(route)) return;
      const sameRun = prev.view === 'run' && route.view === 'run' && prev.runId === route.runId;
      set(sameRun ? { route } : { route, terminalChoice: {}, focusedTerminal: null, searchRequest: null });
    },
    setTab(tab) {
      const r = get().route;
      if (r.view === 'run') set({ route: { ...r, tab } });
    },
    setThemeChoice(themeChoice) {
      set({ themeChoice });
    },
    setHelpOpen(helpOpen) {
      set({ helpOpen });
    },
    setFocusedTerminal(focusedTerminal) {
      set({ focusedTerminal });
    },
    requestSearch(worker) {
      set({ searchRequest: { worker, seq: (get().searchRequest?.seq ?? 0) + 1 } });
    },
    setTerminalOpen(worker, open) {
      set({ terminalChoice: { ...get().terminalChoice, [worker]: open } });
    },
  }));
}
