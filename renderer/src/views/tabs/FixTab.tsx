// Fix: each fixer's patch with its hypothesis and verdict, the diff rendered (diff2html), and the verification grid.
import 'diff2html/bundles/css/diff2html.min.css';
import { html as diffHtml } from 'diff2html';
import { useMemo } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { type FixView, fixGrid, verdictLabel } from '../../model/fixes';
import { useRun } from '../../stores/context';

/**
 * The patch as a rendered diff. diff2html escapes every line and file name it renders (the patch is
 * agent-produced, untrusted); the page's CSP forbids inline scripts besides.
 */
function Diff({ patch }: { patch: string }) {
  const rendered = useMemo(
    () => diffHtml(patch, { drawFileList: false, outputFormat: 'line-by-line', matching: 'none', renderNothingWhenEmpty: false }),
    [patch],
  );
  // biome-ignore lint/security/noDangerouslySetInnerHtml: diff2html's output, with the patch's text escaped by it.
  return <div className="diff" aria-label="Patch diff" dangerouslySetInnerHTML={{ __html: rendered }} />;
}

function FixCard({ f, best }: { f: FixView; best: boolean }) {
  const v = verdictLabel(f);
  return (
    <article className={`card fix${best ? ' is-best' : ''}`} aria-label={`Fix ${f.fix_id}`}>
      <header className="card-head">
        <h3 className="mono small">{f.fix_id}</h3>
        <span className="muted small">
          {f.worker_id} · hypothesis {f.hypothesis_worker}/{f.hypothesis_id}
        </span>
        <span className="spacer" />
        {best ? <span className="badge badge-done">best</span> : null}
        <span className={`badge ${v.className}`}>{v.text}</span>
      </header>
      <p className="fix-reason">{f.reason}</p>
      {f.summary ? <p className="muted">{f.summary}</p> : null}
      <dl className="facts">
        <dt>Changed</dt>
        <dd>
          {f.files_patched.length ? f.files_patched.join(', ') : 'nothing'} (+{f.patch_lines.added} −{f.patch_lines.removed})
        </dd>
        {f.own_check ? (
          <>
            <dt>Its check</dt>
            <dd>
              {f.own_check.fails_before ? 'fails before' : 'passes before (does not test the bug)'},{' '}
              {f.own_check.passes_after ? 'passes with the patch' : 'fails with the patch'}
            </dd>
          </>
        ) : null}
        {f.other_checks.total ? (
          <>
            <dt>Other checks</dt>
            <dd>
              {f.other_checks.passed} of {f.other_checks.total} pass with this patch
            </dd>
          </>
        ) : null}
        {f.tests ? (
          <>
            <dt>Tests</dt>
            <dd>
              <code className="mono">{f.tests.command}</code>:{' '}
              {f.tests.new_failures.length ? `new failures: ${f.tests.new_failures.join(', ')}` : 'no new failures'}
            </dd>
          </>
        ) : null}
      </dl>
      {f.patch ? (
        <>
          <div className="toolbar">
            <span className="mono small">{f.patch_path}</span>
            <span className="spacer" />
            <CopyButton text={f.patch} label={f.verdict === 'verified' ? 'Copy verified patch' : 'Copy patch'} />
          </div>
          <Diff patch={f.patch} />
        </>
      ) : null}
      {f.check ? (
        <details>
          <summary>Its check ({f.check.command})</summary>
          <pre className="code small">{f.check.script}</pre>
        </details>
      ) : null}
    </article>
  );
}

function Grid({ fixes }: { fixes: readonly FixView[] }) {
  const grid = useMemo(() => fixGrid(fixes), [fixes]);
  if (grid.rows.length === 0) return null;
  return (
    <table className="fix-grid" aria-label="Verification grid">
      <thead>
        <tr>
          <th scope="col">run</th>
          <th scope="col">before</th>
          {grid.columns.map((c) => (
            <th scope="col" key={c} className="mono">
              with {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {grid.rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td className={r.before ? (r.before.ok ? 'cell-ok' : 'cell-bad') : 'muted'} title={r.before?.title}>
              {r.before?.text ?? '—'}
            </td>
            {r.cells.map((c, i) => (
              <td key={grid.columns[i]} className={c ? (c.ok ? 'cell-ok' : 'cell-bad') : 'muted'} title={c?.title}>
                {c?.text ?? '—'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FixTab() {
  const fixes = useRun((s) => s.artifacts.fixes);
  const decision = useRun((s) => s.artifacts.decision);
  const error = useRun((s) => s.artifactErrors.fixes);
  const conclusion = fixes?.summary ?? decision?.fix ?? null;
  const list = fixes?.fixes ?? [];
  let headline: string;
  if (decision?.fix?.status === 'off') headline = `The fix phase did not run: ${decision.fix.note ?? 'off'}.`;
  else if (conclusion?.status === 'verified')
    headline = `Verified fix: ${conclusion.best_fix_id}${conclusion.repro_fail_to_pass ? ' — the bug is fail-to-pass proven.' : '.'}`;
  else if (conclusion?.status === 'unverified') headline = 'No fix was verified.';
  else if (list.length) headline = 'Verifying the fixers’ patches…';
  else if (decision) headline = 'No fix phase in this run: it ended before the fix phase (or was made by a version without one).';
  else headline = 'No fixes yet: fix workers start after triage, each with one of the top hypotheses.';
  return (
    <div className="fixes">
      <section className="panel" aria-labelledby="fix-title">
        <h2 id="fix-title">Fix</h2>
        {error ? <p className="form-error">{error}</p> : null}
        <p className="fix-headline" role="status">
          {headline}
        </p>
        {conclusion?.status === 'verified' && conclusion.best_patch_path ? (
          <p className="muted small">
            Apply it in your checkout: <code className="mono">git apply {conclusion.best_patch_path}</code>
          </p>
        ) : null}
        <Grid fixes={list} />
      </section>
      <div className="cards">
        {list.map((f) => (
          <FixCard key={f.fix_id} f={f} best={f.fix_id === conclusion?.best_fix_id} />
        ))}
      </div>
    </div>
  );
}
