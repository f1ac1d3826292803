// The Fix tab's data (pure): the grid of (repros and checks) × (before, each patch), and a fix's verdict in words.
import type { FixesResponse } from '../api/types';

export type FixView = FixesResponse['fixes'][number];

export interface GridCell {
  /** ok: the failure is gone (repros) / the check passes (checks). */
  ok: boolean;
  text: string;
  title: string;
}

export interface GridRowView {
  key: string;
  label: string;
  kind: 'repro' | 'minimal_repro' | 'check';
  before: GridCell | null;
  /** One cell per fix, in the order of `columns` (null: not run against that patch). */
  cells: Array<GridCell | null>;
}

export interface GridView {
  columns: string[];
  rows: GridRowView[];
}

const label = (kind: GridRowView['kind'], id: string, worker: string) =>
  kind === 'minimal_repro' ? 'minimal repro' : kind === 'repro' ? `repro ${id} (${worker})` : `check of ${id}`;

/** Every row any fix's grid has, with its before and the outcome with each patch. */
export function fixGrid(fixes: readonly FixView[]): GridView {
  const columns = fixes.filter((f) => f.grid.length > 0).map((f) => f.fix_id);
  const rows = new Map<string, GridRowView>();
  fixes.forEach((f) => {
    const col = columns.indexOf(f.fix_id);
    if (col < 0) return;
    for (const g of f.grid) {
      const key = `${g.kind}:${g.id}`;
      let row = rows.get(key);
      if (!row) {
        row = { key, label: label(g.kind, g.id, g.worker_id), kind: g.kind, before: null, cells: columns.map(() => null) };
        rows.set(key, row);
      }
      if (g.before && !row.before) {
        const failing = g.before.failing > 0;
        row.before = {
          ok: !failing,
          text: g.kind === 'check' ? (failing ? 'fails' : 'passes') : `fails ${g.before.failing}/${g.before.runs}`,
          title: g.before.outcome,
        };
      }
      row.cells[col] = {
        ok: g.ok,
        text: g.kind === 'check' ? (g.ok ? 'passes' : 'fails') : g.ok ? `fixed ${g.after.runs}/${g.after.runs}` : 'still fails',
        title: g.after.outcome,
      };
    }
  });
  const order = { repro: 0, minimal_repro: 1, check: 2 } as const;
  return { columns, rows: [...rows.values()].sort((a, b) => order[a.kind] - order[b.kind]) };
}

/** The verdict badge: verified, rejected, or still being verified. */
export function verdictLabel(f: Pick<FixView, 'verdict'>): { text: string; className: string } {
  if (f.verdict === 'verified') return { text: 'verified', className: 'badge-ok' };
  if (f.verdict === 'rejected') return { text: 'rejected', className: 'badge-failed' };
  return { text: 'verifying', className: 'badge-running' };
}
