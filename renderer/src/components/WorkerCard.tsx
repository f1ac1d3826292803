// One worker at a glance: role, status, elapsed time, tokens, attempts; opens its terminal; sends it a line.
import type { WorkerStatusView } from '../api/types';
import { elapsedSeconds, formatDuration, formatTokens } from '../model/format';
import type { TokenRow } from '../model/tokens';
import { SendBox } from './SendBox';
import { StateBadge } from './StateBadge';

const ROLE_TEXT: Record<string, string> = {
  REPRO_BUILDER: 'repro builder',
  TRIAGER: 'triager',
  FIXER: 'fixer',
  MANAGER: 'manager',
};

export interface WorkerCardProps {
  id: string;
  role: string;
  status: string;
  sessionExists: boolean;
  worker?: WorkerStatusView;
  usage: TokenRow | null;
  now: number;
  terminalOpen: boolean;
  onToggleTerminal(): void;
  onSend(text: string): Promise<void>;
}

export function WorkerCard(p: WorkerCardProps) {
  const w = p.worker;
  const secs = w ? elapsedSeconds(w.started_at, w.finished_at, p.now) : null;
  return (
    <article className="card worker-card" aria-label={`Worker ${p.id}`}>
      <header className="card-head">
        <h3>{p.id}</h3>
        <span className="muted">{ROLE_TEXT[p.role] ?? p.role.toLowerCase()}</span>
        <span className="spacer" />
        <StateBadge state={p.status} />
      </header>
      <dl className="facts">
        {w ? (
          <>
            <dt>Phase</dt>
            <dd>{w.phase}</dd>
            <dt>Elapsed</dt>
            <dd>{secs === null ? '—' : formatDuration(secs)}</dd>
            <dt>Attempts</dt>
            <dd>{w.attempts}</dd>
          </>
        ) : null}
        <dt>Tokens</dt>
        <dd
          title={
            p.usage
              ? `${p.usage.uncached} input (not cached) · ${p.usage.cached} cached · ${p.usage.output} output · ${p.usage.turns} turns`
              : undefined
          }
        >
          {p.usage ? (
            <>
              {formatTokens(p.usage.uncached + p.usage.cached)} in{' '}
              <span className="muted">({formatTokens(p.usage.cached)} cached)</span> · {formatTokens(p.usage.output)} out
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Session</dt>
        <dd>{p.sessionExists ? 'live' : p.status === 'pending' ? 'not started' : 'ended'}</dd>
      </dl>
      {w?.detail ? <p className="worker-detail">{w.detail}</p> : null}
      <div className="card-actions">
        <button type="button" className="btn btn-small" aria-pressed={p.terminalOpen} onClick={p.onToggleTerminal}>
          {p.terminalOpen ? 'Hide terminal' : 'Show terminal'}
        </button>
      </div>
      <SendBox worker={p.id} onSend={p.onSend} disabled={!p.sessionExists} />
    </article>
  );
}
