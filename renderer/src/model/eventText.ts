// One readable line per run event, for the live event log.
import type { RunEvent } from '../api/types';

export type EventTone = 'info' | 'good' | 'bad' | 'warn';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const num = (v: unknown) => (typeof v === 'number' ? v : null);

export function describeEvent(e: RunEvent): { text: string; tone: EventTone } {
  switch (e.type) {
    case 'run_started':
      return {
        text: `Run started with ${str(e.workers) || '?'} workers on ${str(e.repo_path) || 'the repository'}`,
        tone: 'info',
      };
    case 'phase_started':
      return { text: `Phase ${str(e.phase)} started`, tone: 'info' };
    case 'phase_finished': {
      const s = num(e.seconds);
      return { text: `Phase ${str(e.phase)} finished${s !== null ? ` in ${s.toFixed(1)} s` : ''}`, tone: 'info' };
    }
    case 'worker_status': {
      const status = str(e.status);
      const tone: EventTone =
        status === 'finished'
          ? 'good'
          : status === 'failed' || status === 'timeout'
            ? 'bad'
            : status === 'stopped'
              ? 'warn'
              : 'info';
      return { text: `${str(e.worker)} (${str(e.role) || str(e.phase)}) ${status}${e.detail ? `: ${str(e.detail)}` : ''}`, tone };
    }
    case 'worker_stalled':
      return { text: `${str(e.worker)} stalled for ${num(e.idle_sec) ?? '?'} s: ${str(e.action)}`, tone: 'warn' };
    case 'candidate_rejected':
      return { text: `${str(e.worker)}: candidate rejected${e.reason ? ` — ${str(e.reason)}` : ''}`, tone: 'bad' };
    case 'candidate_validated': {
      const passed = e.passed === true;
      return {
        text: `${str(e.worker)}: ${str(e.candidate_id)} matched ${num(e.matches) ?? '?'} of ${num(e.total_runs) ?? '?'} runs${passed ? '' : ' — rejected'}`,
        tone: passed ? 'good' : 'bad',
      };
    }
    case 'candidate_chosen': {
      const s = num(e.score);
      return {
        text: `Chose ${str(e.worker)}'s candidate ${str(e.candidate_id)}${s !== null ? ` (score ${s.toFixed(2)})` : ''}`,
        tone: 'good',
      };
    }
    case 'reduction_step': {
      if (e.step === 'ddmin')
        return {
          text: `ddmin: ${num(e.lines_before) ?? '?'} → ${num(e.lines_after) ?? '?'} lines (${num(e.oracle_runs) ?? '?'} oracle runs)`,
          tone: 'info',
        };
      return {
        text: `Reduction ${str(e.step)}: ${str(e.status)}${e.detail ? ` — ${str(e.detail)}` : ''}`,
        tone: e.status === 'rejected' ? 'warn' : 'info',
      };
    }
    case 'hypotheses_rejected':
      return { text: `${str(e.worker)}: hypotheses rejected${e.reason ? ` — ${str(e.reason)}` : ''}`, tone: 'bad' };
    case 'hypothesis_ranked': {
      const s = num(e.score);
      return {
        text: `#${num(e.rank) ?? '?'} ${str(e.worker)}/${str(e.hypothesis_id)}${s !== null ? ` score ${s.toFixed(2)}` : ''}`,
        tone: 'info',
      };
    }
    case 'run_finished': {
      const status = str(e.status);
      return {
        text: `Run finished: ${status}${e.rationale ? ` — ${str(e.rationale)}` : ''}`,
        tone: status === 'ok' ? 'good' : status === 'stopped' ? 'warn' : 'bad',
      };
    }
    default: {
      const { ts: _ts, type, ...rest } = e;
      const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest).slice(0, 200)}` : '';
      return { text: `${type}${extra}`, tone: 'info' };
    }
  }
}
