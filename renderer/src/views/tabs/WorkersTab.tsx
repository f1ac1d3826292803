// Workers: a card per worker (and the manager), and their live terminals in a grid.
import { useEffect, useMemo } from 'react';
import { TerminalPane } from '../../components/TerminalPane';
import { useNow } from '../../components/useNow';
import { WorkerCard } from '../../components/WorkerCard';
import { workerUsage } from '../../model/tokens';
import { useApp, useRun, useUi } from '../../stores/context';
import { useEffectiveTheme } from '../../theme/useTheme';

interface Pane {
  id: string;
  label: string;
}

export function WorkersTab({ runId, visible }: { runId: string; visible: boolean }) {
  const { run, ui } = useApp();
  const status = useRun((s) => s.status);
  const telemetry = useRun((s) => s.artifacts.telemetry);
  const choice = useUi((s) => s.terminalChoice);
  const theme = useEffectiveTheme();
  const now = useNow(visible && status?.run_state === 'running');
  const send = (worker: string) => (text: string) => run.getState().send(worker, text);
  const events = useRun((s) => s.events);
  const followups = useMemo(() => {
    const by = new Map<string, Array<{ ts: string; text: string }>>();
    for (const e of events)
      if (e.type === 'followup') by.set(e.worker, [...(by.get(e.worker) ?? []), { ts: e.ts, text: e.text }]);
    return by;
  }, [events]);

  // A live session's terminal opens by itself and then stays until the person closes it, so its
  // last output remains readable after the session ends.
  useEffect(() => {
    if (!status) return;
    const live = [
      status.manager.session_exists ? 'manager' : null,
      ...status.workers.filter((w) => w.session_exists).map((w) => w.worker_id),
    ];
    for (const id of live) if (id && ui.getState().terminalChoice[id] === undefined) ui.getState().setTerminalOpen(id, true);
  }, [status, ui]);

  const panes = useMemo<Pane[]>(() => {
    if (!status) return [];
    const all = [
      { id: 'manager', label: 'manager', live: status.manager.session_exists },
      ...status.workers.map((w) => ({
        id: w.worker_id,
        label: `${w.worker_id} · ${w.role === 'TRIAGER' ? 'triager' : w.role === 'FIXER' ? 'fixer' : 'repro builder'}`,
        live: w.session_exists,
      })),
    ];
    return all.filter((p) => choice[p.id] ?? p.live).map(({ id, label }) => ({ id, label }));
  }, [status, choice]);

  if (!status) return <p className="muted">Loading workers…</p>;
  const isOpen = (id: string, live: boolean) => choice[id] ?? live;
  const toggle = (id: string, live: boolean) => ui.getState().setTerminalOpen(id, !isOpen(id, live));

  return (
    <div className="workers">
      <div className="cards">
        <WorkerCard
          id="manager"
          role="MANAGER"
          status={status.run_state === 'running' ? 'running' : status.decision.status}
          sessionExists={status.manager.session_exists}
          usage={workerUsage(telemetry, 'manager')}
          now={now}
          terminalOpen={isOpen('manager', status.manager.session_exists)}
          onToggleTerminal={() => toggle('manager', status.manager.session_exists)}
          onSend={send('manager')}
          followups={followups.get('manager')}
        />
        {status.workers.map((w) => (
          <WorkerCard
            key={w.worker_id}
            id={w.worker_id}
            role={w.role}
            status={w.status}
            sessionExists={w.session_exists}
            worker={w}
            usage={workerUsage(telemetry, w.worker_id)}
            now={now}
            terminalOpen={isOpen(w.worker_id, w.session_exists)}
            onToggleTerminal={() => toggle(w.worker_id, w.session_exists)}
            onSend={send(w.worker_id)}
            followups={followups.get(w.worker_id)}
          />
        ))}
      </div>
      {status.workers.length === 0 ? <p className="muted">No workers yet: they start after preflight and issue intake.</p> : null}
      <h2 className="section-title">Terminals</h2>
      {panes.length === 0 ? <p className="muted">No live sessions. Open a terminal from a card to see its last output.</p> : null}
      <div className={`terminal-grid count-${Math.min(panes.length, 4)}`}>
        {panes.map((p) => (
          <TerminalPane
            key={`${runId}/${p.id}`}
            runId={runId}
            worker={p.id}
            label={p.label}
            theme={theme}
            onClose={() => ui.getState().setTerminalOpen(p.id, false)}
          />
        ))}
      </div>
    </div>
  );
}
