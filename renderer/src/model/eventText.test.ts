import { describe, expect, it } from 'vitest';
import { EVENT_EFFECTS } from '../../../common/events';
import { ev } from '../../../testkit/events';
import { describeEvent } from './eventText';

const e = ev;

describe('describeEvent', () => {
  it('says what happened, with a tone', () => {
    expect(
      describeEvent(e('candidate_validated', { worker: 'w1', candidate_id: 'c', matches: 2, total_runs: 3, passed: true })),
    ).toEqual({ text: 'w1: c matched 2 of 3 runs', tone: 'good' });
    expect(describeEvent(e('worker_status', { worker: 'w2', role: 'TRIAGER', status: 'timeout', detail: 'no answer' }))).toEqual({
      text: 'w2 (TRIAGER) timeout: no answer',
      tone: 'bad',
    });
    expect(describeEvent(e('run_finished', { status: 'needs-human', rationale: 'why' })).tone).toBe('bad');
    expect(describeEvent(e('reduction_step', { step: 'ddmin', lines_before: 9, lines_after: 2, oracle_runs: 5 })).text).toBe(
      'ddmin: 9 → 2 lines (5 oracle runs)',
    );
  });

  it('describes every type of event', () => {
    for (const type of Object.keys(EVENT_EFFECTS) as Array<keyof typeof EVENT_EFFECTS>) {
      expect(describeEvent(e(type)).text, type).not.toBe('');
    }
    expect(describeEvent(e('sandbox', { kind: 'none', summary: 'UNSANDBOXED: no bwrap' }))).toEqual({
      text: 'Sandbox: UNSANDBOXED: no bwrap',
      tone: 'bad',
    });
  });
});
