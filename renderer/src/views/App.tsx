// The dashboard's frame: the sidebar (new run, runs list, theme, help) and the current view.
import { useEffect } from 'react';
import { useShortcuts } from '../keyboard/useShortcuts';
import { useApp, useUi } from '../stores/context';
import { nextThemeChoice } from '../theme/theme';
import { useApplyTheme } from '../theme/useTheme';
import { HelpDialog } from './HelpDialog';
import { HomeView } from './HomeView';
import { NewRunView } from './NewRunView';
import { RunsList } from './RunsList';
import { RunView } from './RunView';

const THEME_TEXT = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;

export function App() {
  const ctx = useApp();
  const route = useUi((s) => s.route);
  const choice = useUi((s) => s.themeChoice);
  const theme = useApplyTheme();
  useShortcuts(ctx);
  useEffect(() => {
    document.title =
      route.view === 'run' ? `${route.runId} · mminions` : route.view === 'new' ? 'New run · mminions' : 'mminions';
  }, [route]);

  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          mminions
        </div>
        <a
          className={`btn btn-primary btn-block${route.view === 'new' ? ' is-active' : ''}`}
          href="#/new"
          aria-current={route.view === 'new' ? 'page' : undefined}
        >
          New run <kbd aria-hidden="true">n</kbd>
        </a>
        <RunsList />
        <footer className="sidebar-foot">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => ctx.ui.getState().setThemeChoice(nextThemeChoice(choice))}
            title={`Now ${theme}; click to change`}
          >
            {THEME_TEXT[choice]}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => ctx.ui.getState().setHelpOpen(true)}
            aria-label="Keyboard shortcuts"
          >
            ? Help
          </button>
        </footer>
      </aside>
      <main className="main">
        {route.view === 'new' ? (
          <NewRunView />
        ) : route.view === 'run' ? (
          <RunView runId={route.runId} tab={route.tab} />
        ) : (
          <HomeView />
        )}
      </main>
      <HelpDialog />
    </div>
  );
}
