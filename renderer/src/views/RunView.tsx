// One run: its header (issue, state, stop), the seven tabs, and their panels; the Workers panel stays mounted once opened.
import { useEffect, useState, type ReactNode } from 'react';
import { describeError } from '../api/client';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { StateBadge } from '../components/StateBadge';
import { Tabs } from '../components/Tabs';
import { displayState } from '../model/runState';
import { TABS, type TabName } from '../stores/route';
import { useApp, useRun, useRuns } from '../stores/context';
import { FixTab } from './tabs/FixTab';
import { HypothesesTab } from './tabs/HypothesesTab';
import { MetricsTab } from './tabs/MetricsTab';
import { OverviewTab } from './tabs/OverviewTab';
import { ReportTab } from './tabs/ReportTab';
import { ReproTab } from './tabs/ReproTab';
import { WorkersTab } from './tabs/WorkersTab';

const TAB_ITEMS = TABS.map((t, i) => ({ id: t.id, label: t.label, hint: String(i + 1) }));

export function RunView({ runId, tab }: { runId: string; tab: TabName }) {
  const { run, runs, ui } = useApp();
  const status = useRun((s) => s.status);
  const statusError = useRun((s) => s.statusError);
  const sandbox = useRun((s) => s.sandbox);
  const issue = useRun((s) => s.artifacts.issue);
  const listItem = useRuns((s) => s.items.find((r) => r.run_id === runId));
  const [workersMounted, setWorkersMounted] = useState(tab === 'workers');
  const [confirming, setConfirming] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<string | null>(null);

  useEffect(() => {
    run.getState().open(runId);
  }, [run, runId]);
  useEffect(() => {
    if (tab === 'workers') setWorkersMounted(true);
  }, [tab]);
  useEffect(() => setWorkersMounted(tab === 'workers'), [runId]); // eslint-disable-line react-hooks/exhaustive-deps

  const state = status
    ? displayState({ run_state: status.run_state, decision_status: status.decision.status })
    : listItem
      ? displayState(listItem)
      : 'unknown';
  const title = issue?.title ?? listItem?.issue_title ?? null;
  const issueUrl = issue?.issue_url ?? status?.manager.issue_url ?? listItem?.issue_url ?? null;
  const running = status?.run_state === 'running';

  const confirmStop = async () => {
    setStopping(true);
    setStopError(null);
    try {
      await run.getState().stop();
      setConfirming(false);
      void runs.getState().refresh();
    } catch (err) {
      setStopError(describeError(err));
    } finally {
      setStopping(false);
    }
  };

  const panel = (id: TabName, body: ReactNode, keep = false) =>
    tab === id || keep ? (
      <div
        key={id}
        role="tabpanel"
        id={`run-panel-${id}`}
        aria-labelledby={`run-tab-${id}`}
        hidden={tab !== id}
        className="tab-panel"
      >
        {body}
      </div>
    ) : null;

  return (
    <section className="view run-view" aria-labelledby="run-title">
      <header className="run-header">
        <div className="run-heading">
          <h1 id="run-title">{title ?? runId}</h1>
          <p className="run-sub">
            <StateBadge state={state} />
            <span className="mono small muted">{runId}</span>
            {issueUrl ? (
              <a href={issueUrl} target="_blank" rel="noopener noreferrer" className="small">
                {issueUrl.replace(/^https?:\/\//, '')}
              </a>
            ) : null}
          </p>
        </div>
        <span className="spacer" />
        {running || state === 'crashed' ? (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
            {running ? 'Stop run' : 'Stop and clean up'}
          </button>
        ) : null}
      </header>
      {sandbox?.kind === 'none' ? (
        <p className="banner banner-warn" role="alert" aria-label="Unsandboxed run">
          <strong>Unsandboxed:</strong> the commands this run's agents proposed ran on this machine with your files.{' '}
          {sandbox.summary}
        </p>
      ) : null}
      {statusError ? (
        <p className="form-error" role="alert">
          {statusError}
        </p>
      ) : null}
      <Tabs items={TAB_ITEMS} selected={tab} onSelect={(t) => ui.getState().setTab(t)} idPrefix="run" />
      {panel('overview', <OverviewTab />)}
      {panel('workers', <WorkersTab runId={runId} visible={tab === 'workers'} />, workersMounted)}
      {panel('repro', <ReproTab />)}
      {panel('hypotheses', <HypothesesTab />)}
      {panel('fix', <FixTab />)}
      {panel('metrics', <MetricsTab />)}
      {panel('report', <ReportTab />)}
      <ConfirmDialog
        open={confirming}
        title="Stop this run?"
        confirmLabel="Stop the run"
        danger
        busy={stopping}
        error={stopError}
        onConfirm={() => void confirmStop()}
        onCancel={() => {
          setConfirming(false);
          setStopError(null);
        }}
      >
        <p>
          The manager and every worker session of <span className="mono">{runId}</span> end, their worktrees are removed, and the
          run is recorded as stopped. What it wrote so far stays in its run folder.
        </p>
      </ConfirmDialog>
    </section>
  );
}
