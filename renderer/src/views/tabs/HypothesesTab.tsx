// Hypotheses: ranked cards with mechanism, confidence, score parts, evidence (file:line + snippet) and disconfirming checks.
import type { HypothesesFile } from '../../api/types';
import { useRun } from '../../stores/context';

type Ranked = HypothesesFile['ranked'][number];

function ScoreParts({ parts }: { parts: Record<string, number> }) {
  const entries = Object.entries(parts);
  const max = Math.max(1, ...entries.map(([, v]) => Math.abs(v)));
  return (
    <ul className="score-parts" aria-label="Score parts">
      {entries.map(([k, v]) => (
        <li key={k}>
          <span className="sp-name">{k.replace(/_/g, ' ')}</span>
          <span className="sp-bar" aria-hidden="true">
            <span style={{ width: `${(Math.abs(v) / max) * 100}%` }} className={v < 0 ? 'neg' : ''} />
          </span>
          <span className="sp-value">{v.toFixed(2)}</span>
        </li>
      ))}
    </ul>
  );
}

function HypothesisCard({ h, rank, top }: { h: Ranked; rank: number; top: boolean }) {
  return (
    <article className={`card hypothesis${top ? ' is-top' : ''}`} aria-label={`Hypothesis ${rank}`}>
      <header className="card-head">
        <span className="rank">#{rank}</span>
        <h3 className="mono small">
          {h.worker_id}/{h.hypothesis_id}
        </h3>
        <span className="spacer" />
        {h.confirmed_by_fix ? (
          <span className="badge badge-ok" title={`A fix for this hypothesis (${h.confirmed_by_fix}) was verified by execution`}>
            confirmed by fix
          </span>
        ) : null}
        <span className="score" title="ranking score">
          score {h.score.toFixed(2)}
        </span>
      </header>
      <p className="mechanism">{h.mechanism}</p>
      <div className="confidence">
        <span className="muted small">confidence</span>
        <meter min={0} max={1} value={h.confidence} aria-label="Confidence" />
        <span className="small">{Math.round(h.confidence * 100)}%</span>
        {h.agreeing_workers.length > 1 ? <span className="muted small"> · agreed by {h.agreeing_workers.join(', ')}</span> : null}
      </div>
      <ScoreParts parts={h.score_parts} />
      <h4>Evidence</h4>
      <ul className="evidence">
        {h.evidence.map((e, i) => (
          <li key={i}>
            <code className="loc">
              {e.file}:{e.line}
            </code>
            <pre className="code small">{e.snippet}</pre>
          </li>
        ))}
      </ul>
      {h.invalid_evidence.length ? (
        <details>
          <summary>{h.invalid_evidence.length} evidence item(s) that did not check out</summary>
          <ul className="evidence">
            {h.invalid_evidence.map((e, i) => (
              <li key={i}>
                <code className="loc">
                  {e.file}:{e.line}
                </code>{' '}
                <span className="muted small">{e.reason}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {h.disconfirming_checks.length ? (
        <>
          <h4>Disconfirming checks</h4>
          <ul className="checks">
            {h.disconfirming_checks.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

export function HypothesesTab() {
  const file = useRun((s) => s.artifacts.hypotheses);
  const error = useRun((s) => s.artifactErrors.hypotheses);
  const topIds = new Set((file?.top ?? []).map((h) => `${h.worker_id}/${h.hypothesis_id}`));
  return (
    <div className="hypotheses">
      {error ? <p className="form-error">{error}</p> : null}
      {!file ? <p className="muted">No hypotheses yet: triage workers propose them after the repro is minimized.</p> : null}
      {file && file.ranked.length === 0 ? <p className="muted">No hypothesis had valid evidence in the code.</p> : null}
      <ol className="hypothesis-list" aria-label="Ranked hypotheses">
        {file?.ranked.map((h, i) => (
          <li key={`${h.worker_id}/${h.hypothesis_id}`}>
            <HypothesisCard h={h} rank={i + 1} top={topIds.has(`${h.worker_id}/${h.hypothesis_id}`)} />
          </li>
        ))}
      </ol>
      {file?.dropped.length ? (
        <section className="panel" aria-labelledby="dropped-title">
          <h2 id="dropped-title">Dropped</h2>
          <ul className="small">
            {file.dropped.map((d) => (
              <li key={`${d.worker_id}/${d.hypothesis_id}`}>
                <span className="mono">
                  {d.worker_id}/{d.hypothesis_id}
                </span>
                : {d.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
