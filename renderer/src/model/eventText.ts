// One readable line per run event, for the live event log (narrowed on the event's type: common/events.ts).
import type { RunEvent } from '../api/types';

export type EventTone = 'info' | 'good' | 'bad' | 'warn';

const workerTone = (status: string): EventTone =>
  status === 'finished' ? 'good' : status === 'failed' || status === 'timeout' ? 'bad' : status === 'stopped' ? 'warn' : 'info';

export function describeEvent(e: RunEvent): { text: string; tone: EventTone } {
  switch (e.type) {
    case 'run_started':
      return { text: `Run started with ${e.workers} workers on ${e.repo_path}`, tone: 'info' };
    case 'sandbox':
      return e.kind === 'none' ? { text: `Sandbox: ${e.summary}`, tone: 'bad' } : { text: `Sandbox: ${e.summary}`, tone: 'info' };
    case 'phase_started':
      return { text: `Phase ${e.phase} started`, tone: 'info' };
    case 'phase_finished':
      return { text: `Phase ${e.phase} finished in ${e.seconds.toFixed(1)} s`, tone: 'info' };
    case 'issue_read':
      return { text: `Issue read: ${e.title}${e.notes?.length ? ` (${e.notes.join('; ')})` : ''}`, tone: 'info' };
    case 'worker_status':
      return {
        text: `${e.worker} (${e.role || e.phase}) ${e.status}${e.detail ? `: ${e.detail}` : ''}`,
        tone: workerTone(e.status),
      };
    case 'worker_stalled':
      return { text: `${e.worker} stalled for ${e.idle_sec} s: ${e.action}`, tone: 'warn' };
    case 'followup':
      return {
        text: e.delivered === 'command' ? `Manager command: ${e.text}` : `Follow-up to ${e.worker}: ${e.text}`,
        tone: 'info',
      };
    case 'candidate_rejected':
      return { text: `${e.worker}: candidate rejected — ${e.reason}`, tone: 'bad' };
    case 'candidate_validated':
      return {
        text: `${e.worker}: ${e.candidate_id} matched ${e.matches} of ${e.total_runs} runs${e.passed ? '' : ' — rejected'}`,
        tone: e.passed ? 'good' : 'bad',
      };
    case 'candidate_chosen':
      return { text: `Chose ${e.worker}'s candidate ${e.candidate_id} (score ${e.score.toFixed(2)})`, tone: 'good' };
    case 'reduction_step':
      if (e.step === 'ddmin')
        return {
          text: `ddmin: ${e.lines_before ?? '?'} → ${e.lines_after ?? '?'} lines (${e.oracle_runs ?? '?'} oracle runs)`,
          tone: 'info',
        };
      return {
        text: `Reduction ${e.step}: ${e.status ?? ''}${e.detail ? ` — ${e.detail}` : ''}`,
        tone: e.status === 'rejected' ? 'warn' : 'info',
      };
    case 'repro_minimized':
      return { text: `Minimal repro: ${e.lines} lines`, tone: 'good' };
    case 'hypotheses_rejected':
      return { text: `${e.worker}: hypotheses rejected — ${e.reason}`, tone: 'bad' };
    case 'hypothesis_ranked':
      return { text: `#${e.rank} ${e.worker}/${e.hypothesis_id} score ${e.score.toFixed(2)}`, tone: 'info' };
    case 'fix_proposed':
      return {
        text: `${e.worker}: fix ${e.fix_id} for ${e.hypothesis_id} (${e.files} file${e.files === 1 ? '' : 's'})`,
        tone: 'info',
      };
    case 'fix_verified':
      return {
        text: `${e.worker}: fix ${e.fix_id} ${e.verdict} — ${e.reason}`,
        tone: e.verdict === 'verified' ? 'good' : 'bad',
      };
    case 'run_finished':
      return {
        text: `Run finished: ${e.status}${e.rationale ? ` — ${e.rationale}` : ''}`,
        tone: e.status === 'ok' ? 'good' : e.status === 'stopped' ? 'warn' : 'bad',
      };
    case 'event_skipped':
      return { text: `An event was skipped: ${e.reason}`, tone: 'warn' };
  }
}
