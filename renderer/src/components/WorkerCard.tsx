// One worker at a glance: role, status, elapsed time, tokens, attempts, its follow-ups; opens its terminal; asks it a follow-up (the manager: its commands).
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
  onSend(text: string): Promise<string | undefined>;
  /** Follow-ups sent to it (or commands, to the manager), oldest first. */
  followups?: Array<{ ts: string; text: string }>;
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
      {p.followups?.length ? (
        <div className="followups">
          <h4>{p.id === 'manager' ? 'Commands' : 'Follow-ups'}</h4>
          <ol aria-label={`${p.id === 'manager' ? 'Commands to' : 'Follow-ups to'} ${p.id}`}>
            {p.followups.map((f) => (
              <li key={f.ts}>
                <time className="muted small" dateTime={f.ts}>
                  {f.ts.slice(11, 19)}
                </time>{' '}
                {f.text}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {p.id === 'manager' && p.status === 'running' ? (
        <div className="card-actions" role="group" aria-label="Manager commands">
          <button type="button" className="btn btn-small" onClick={() => void p.onSend('skip')}>
            Skip phase
          </button>
          <button type="button" className="btn btn-small" onClick={() => void p.onSend('extend 120')}>
            +2 min
          </button>
          <button type="button" className="btn btn-small" onClick={() => void p.onSend('status')}>
            Status
          </button>
        </div>
      ) : null}
      <SendBox worker={p.id} onSend={p.onSend} disabled={!p.sessionExists} />
    </article>
  );
}
