// Wires the dashboard together: client, stores, watchers, notifications, and the window events that refresh data.
import { ApiClient } from './api/client';
import type { MminionsBridge } from './api/bridge';
import type { Connection } from './api/connection';
import { notificationText } from './model/runState';
import type { AppContext } from './stores/context';
import { formatHash, parseHash, type Route } from './stores/route';
import { createRunStore } from './stores/runStore';
import { createRunsStore } from './stores/runsStore';
import { RunWatchers } from './stores/runWatchers';
import { createUiStore } from './stores/uiStore';
import { readThemeChoice } from './theme/theme';

function sameRoute(a: Route, b: Route): boolean {
  return formatHash(a) === formatHash(b);
}

export function createAppContext(conn: Connection, bridge: MminionsBridge | null): AppContext {
  const client = new ApiClient(conn);
  const runs = createRunsStore({
    client,
    onTransitions: (list) => {
      for (const t of list) {
        const n = notificationText(t);
        void bridge?.notify(n.title, n.body).catch(() => undefined);
      }
    },
  });
  const run = createRunStore({
    client,
    onEvents: (_runId, plan) => {
      if (plan.runsList) runs.getState().scheduleRefresh();
    },
  });
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null;
  }
  const ui = createUiStore({ route: parseHash(window.location.hash), themeChoice: readThemeChoice(storage) });
  return { client, bridge, runs, run, ui };
}

/** Starts the live parts; returns a function that stops them. */
export function startApp(ctx: AppContext): () => void {
  const { runs, run, ui, client } = ctx;
  const watchers = new RunWatchers(client, () => runs.getState().scheduleRefresh());
  const openRunId = () => {
    const r = ui.getState().route;
    return r.view === 'run' ? r.runId : null;
  };

  const refreshAll = () => {
    void runs.getState().refresh();
    if (run.getState().runId) void run.getState().refreshStatus();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') refreshAll();
  };
  const onHash = () => {
    const next = parseHash(window.location.hash);
    if (!sameRoute(next, ui.getState().route)) ui.getState().navigate(next);
  };
  window.addEventListener('focus', refreshAll);
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('hashchange', onHash);

  const unsubRoute = ui.subscribe((s, prev) => {
    if (s.route === prev.route) return;
    const hash = formatHash(s.route);
    if (window.location.hash !== hash) window.location.hash = hash;
    if (s.route.view !== 'run') run.getState().close();
    watchers.sync(runs.getState().items, openRunId());
  });
  const unsubRuns = runs.subscribe((s, prev) => {
    if (s.items !== prev.items) watchers.sync(s.items, openRunId());
  });

  void runs.getState().refresh();
  return () => {
    window.removeEventListener('focus', refreshAll);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('hashchange', onHash);
    unsubRoute();
    unsubRuns();
    watchers.closeAll();
    run.getState().close();
  };
}
