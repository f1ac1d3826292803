// Listens for the dashboard's keyboard shortcuts on the window and carries them out.
import { useEffect } from 'react';
import { terminalFor } from '../terminal/registry';
import type { AppContext } from '../stores/context';
import { shortcutFor } from './shortcuts';

export function useShortcuts(ctx: AppContext): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e, e.target instanceof Element ? (e.target as HTMLElement) : null);
      if (!action) return;
      const ui = ctx.ui.getState();
      const route = ui.route;
      switch (action.kind) {
        case 'new-run':
          e.preventDefault();
          ui.navigate({ view: 'new' });
          break;
        case 'tab':
          if (route.view === 'run') {
            e.preventDefault();
            ui.setTab(action.tab);
          }
          break;
        case 'help':
          e.preventDefault();
          ui.setHelpOpen(true);
          break;
        case 'search-terminal': {
          if (route.view !== 'run') return;
          const worker =
            ui.focusedTerminal && terminalFor(ui.focusedTerminal)
              ? ui.focusedTerminal
              : (window.__mminionsTerminals?.list()[0] ?? null);
          if (!worker) return;
          e.preventDefault();
          if (route.tab !== 'workers') ui.setTab('workers');
          ui.setFocusedTerminal(worker);
          ui.requestSearch(worker);
          break;
        }
        case 'escape':
          if (ui.helpOpen) ui.setHelpOpen(false);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ctx]);
}
