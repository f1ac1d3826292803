import { html as diffHtml } from 'diff2html';
import { describe, expect, it } from 'vitest';
import { fixRecord } from '../../../testkit/fixes';
import { type FixView, fixGrid, verdictLabel } from './fixes';

const run = (failing: number, outcome: string, runs = 2) => ({ runs, failing, outcome, timed_out: false });

const fix = (fix_id: string, grid: FixView['grid'], verdict: FixView['verdict'] = 'verified'): FixView => ({
  ...fixRecord(fix_id, { grid, verdict }),
  patch: null,
});

describe('fixGrid', () => {
  it('lays out (repros and checks) × (before, each patch)', () => {
    const minimal = (ok: boolean) => ({
      kind: 'minimal_repro' as const,
      id: 'minimal',
      worker_id: 'w1',
      before: run(2, 'ValueError: kernel cannot be empty'),
      after: run(ok ? 0 : 2, ok ? 'exits 0' : 'still fails'),
      ok,
    });
    const check = (id: string, ok: boolean) => ({
      kind: 'check' as const,
      id,
      worker_id: id,
      before: run(1, 'exit 1', 1),
      after: run(ok ? 0 : 1, ok ? 'exit 0' : 'exit 1', 1),
      ok,
    });
    const grid = fixGrid([
      fix('good', [check('good', true), minimal(true), check('bad', true)]),
      fix('bad', [minimal(false), check('good', false), check('bad', true)], 'rejected'),
      fix('empty', [], 'rejected'),
    ]);
    expect(grid.columns).toEqual(['good', 'bad']);
    expect(grid.rows.map((r) => [r.label, r.before?.text, ...r.cells.map((c) => c?.text)])).toEqual([
      ['minimal repro', 'fails 2/2', 'fixed 2/2', 'still fails'],
      ['check of good', 'fails', 'passes', 'fails'],
      ['check of bad', 'fails', 'passes', 'passes'],
    ]);
    expect(grid.rows[0]!.cells[1]).toMatchObject({ ok: false, title: 'still fails' });
    expect(verdictLabel({ verdict: 'pending' }).text).toBe('verifying');
  });
});

describe('the diff as rendered (diff2html)', () => {
  it("escapes the patch's text: an agent's patch cannot inject markup", () => {
    const patch = [
      'diff --git a/x.py b/x.py',
      '--- a/x.py',
      '+++ b/x.py',
      '@@ -1 +1 @@',
      '-a = 1',
      '+a = "<img src=x onerror=alert(1)><script>alert(2)</script>"',
      '',
    ].join('\n');
    const out = diffHtml(patch, { drawFileList: false, outputFormat: 'line-by-line', matching: 'none' });
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;img');
  });
});
