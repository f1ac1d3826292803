// The dashboard's location (home, new run, a run and its tab), kept in the URL hash so reloads and links work.

export const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'workers', label: 'Workers' },
  { id: 'repro', label: 'Repro' },
  { id: 'hypotheses', label: 'Hypotheses' },
  { id: 'fix', label: 'Fix' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'report', label: 'Report' },
] as const;

export type TabName = (typeof TABS)[number]['id'];

export type Route = { view: 'home' } | { view: 'new' } | { view: 'run'; runId: string; tab: TabName };

const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;

function isTab(t: string | undefined): t is TabName {
  return TABS.some((x) => x.id === t);
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponentSafe);
  if (parts[0] === 'new') return { view: 'new' };
  if (parts[0] === 'runs' && parts[1] && RUN_ID.test(parts[1]) && !parts[1].startsWith('.')) {
    return { view: 'run', runId: parts[1], tab: isTab(parts[2]) ? parts[2] : 'overview' };
  }
  return { view: 'home' };
}

export function formatHash(r: Route): string {
  if (r.view === 'new') return '#/new';
  if (r.view === 'run') return `#/runs/${encodeURIComponent(r.runId)}/${r.tab}`;
  return '#/';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
