// The list of runs (newest first) with state, age and decision; the open run is marked.
import { StateBadge } from '../components/StateBadge';
import { useNow } from '../components/useNow';
import { formatAge } from '../model/format';
import { displayState } from '../model/runState';
import { formatHash } from '../stores/route';
import { useRuns, useUi } from '../stores/context';

export function RunsList() {
  const items = useRuns((s) => s.items);
  const loaded = useRuns((s) => s.loaded);
  const error = useRuns((s) => s.error);
  const route = useUi((s) => s.route);
  const openId = route.view === 'run' ? route.runId : null;
  const now = useNow(true, 15_000);
  return (
    <nav className="runs-nav" aria-label="Runs navigation">
      <h2 className="nav-title">Runs</h2>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {loaded && items.length === 0 && !error ? <p className="muted small">No runs yet. Start one with “New run”.</p> : null}
      <ul className="runs-list" aria-label="Runs" role="list">
        {items.map((r) => {
          const state = displayState(r);
          const current = r.run_id === openId;
          return (
            <li key={r.run_id} className={`run-item${current ? ' is-current' : ''}`}>
              <a
                href={formatHash({ view: 'run', runId: r.run_id, tab: 'overview' })}
                aria-current={current ? 'page' : undefined}
                className="run-link"
              >
                <span className="run-title">{r.issue_title ?? r.issue_url ?? 'Untitled issue'}</span>
                <span className="run-meta">
                  <StateBadge state={state} />
                  <span className="muted small">{formatAge(r.started_at, now)}</span>
                </span>
                <span className="run-id mono small muted" title={`${r.run_id} · decision: ${r.decision_status}`}>
                  {r.run_id}
                  {r.decision_status && r.decision_status !== 'running' ? ` · decision: ${r.decision_status}` : ''}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
