// Repro: every candidate with its validation (k of n), score and verdict; the minimal repro with its oracle; minimization numbers.
import { useMemo } from 'react';
import type { CandidateFile } from '../../api/types';
import { stripControls } from '../../../../common/text';
import { CopyButton } from '../../components/CopyButton';
import { lineCount } from '../../model/format';
import { deriveReduction } from '../../model/reduction';
import { useRun } from '../../stores/context';

/** Why a candidate was accepted or not, in one sentence. */
export function candidateVerdict(c: CandidateFile, chosenId: string | null): { accepted: boolean; text: string } {
  const v = c.validation;
  if (chosenId && c.candidate_id === chosenId)
    return {
      accepted: true,
      text: `Chosen: reproduced the failure in ${v.matches} of ${v.total_runs} runs with the highest score.`,
    };
  if (c.rejection_reason) return { accepted: false, text: c.rejection_reason };
  if (v.setup_ok === false) return { accepted: false, text: 'Its setup commands failed.' };
  if (!v.passed) {
    const why = v.runs?.find((r) => !r.matched)?.reason;
    return { accepted: false, text: `Matched only ${v.matches} of ${v.total_runs} runs${why ? `: ${why}` : '.'}` };
  }
  return { accepted: true, text: `Valid (${v.matches} of ${v.total_runs} runs), but another candidate scored higher.` };
}

function CandidateCard({ c, chosenId }: { c: CandidateFile; chosenId: string | null }) {
  const v = c.validation;
  const verdict = candidateVerdict(c, chosenId);
  const chosen = chosenId === c.candidate_id;
  return (
    <article
      className={`card candidate${chosen ? ' is-chosen' : ''}`}
      aria-label={`Candidate ${c.candidate_id} from ${c.worker_id}`}
    >
      <header className="card-head">
        <h3>{c.worker_id}</h3>
        <span className="mono small">{c.candidate_id}</span>
        <span className="spacer" />
        {chosen ? <span className="badge badge-done">chosen</span> : null}
        <span className={`badge ${v.passed ? 'badge-ok' : 'badge-failed'}`}>
          {v.matches} of {v.total_runs} runs
        </span>
      </header>
      <div className="kofn" aria-hidden="true">
        {Array.from({ length: v.total_runs }, (_, i) => (
          <span key={i} className={`kofn-dot${(v.runs ? v.runs[i]?.matched : i < v.matches) ? ' hit' : ''}`} />
        ))}
      </div>
      <dl className="facts">
        <dt>Score</dt>
        <dd>
          {c.score.toFixed(2)}
          {c.score_parts ? (
            <span className="muted small">
              {' '}
              (
              {Object.entries(c.score_parts)
                .map(([k, n]) => `${k} ${n.toFixed(2)}`)
                .join(', ')}
              )
            </span>
          ) : null}
        </dd>
        <dt>Claims</dt>
        <dd className="mono small">{c.claimed_failure_signature}</dd>
        <dt>Matched</dt>
        <dd className="mono small">{v.matched_signature ?? '—'}</dd>
        <dt>Size</dt>
        <dd>{lineCount(c.script)} lines</dd>
      </dl>
      <p className={`verdict ${verdict.accepted ? 'verdict-ok' : 'verdict-no'}`}>
        <strong>{verdict.accepted ? 'Accepted' : 'Rejected'}:</strong> {verdict.text}
      </p>
      <details>
        <summary>Script and oracle</summary>
        {c.setup_commands.length ? <pre className="code small">{c.setup_commands.map((s) => `$ ${s}`).join('\n')}</pre> : null}
        <pre className="code small">$ {c.oracle_command}</pre>
        <pre className="code">{c.script}</pre>
        {v.runs?.length ? (
          <ol className="runs-detail small">
            {v.runs.map((r, i) => (
              <li key={i}>
                {r.matched ? '✓' : '✗'} exit {r.exit_code ?? '—'}
                {r.timed_out ? ' (timed out)' : ''} · {r.failure_line ?? 'no failure line'} —{' '}
                <span className="muted">{r.reason}</span>
              </li>
            ))}
          </ol>
        ) : null}
      </details>
    </article>
  );
}

export function ReproTab() {
  const candidates = useRun((s) => s.artifacts.candidates?.candidates);
  const selected = useRun((s) => s.artifacts.selected_candidate);
  const minimal = useRun((s) => s.artifacts.minimal_repro);
  const decision = useRun((s) => s.artifacts.decision);
  const events = useRun((s) => s.events);
  const errors = useRun((s) => s.artifactErrors);
  const chosenId = selected?.candidate_id ?? decision?.selected_repro_candidate_id ?? null;
  const reduction = useMemo(() => deriveReduction(decision, events, selected), [decision, events, selected]);
  const oracle = decision?.repro?.oracle_command ?? selected?.oracle_command ?? null;
  // What goes to the clipboard for a terminal: an agent's command without escape sequences or control characters.
  const oracleForFile = stripControls(oracle && minimal ? oracle.split('{repro_file}').join(minimal.path) : (oracle ?? ''));
  const sorted = useMemo(
    () =>
      [...(candidates ?? [])].sort(
        (a, b) => Number(b.candidate_id === chosenId) - Number(a.candidate_id === chosenId) || b.score - a.score,
      ),
    [candidates, chosenId],
  );

  return (
    <div className="repro">
      <section className="panel" aria-labelledby="minimal-title">
        <h2 id="minimal-title">Minimal repro</h2>
        {errors.minimal_repro ? <p className="form-error">{errors.minimal_repro}</p> : null}
        {minimal ? (
          <>
            <div className="toolbar">
              <span className="mono small">{minimal.path}</span>
              <span className="spacer" />
              <CopyButton text={minimal.script} label="Copy repro" />
              {oracleForFile ? <CopyButton text={oracleForFile} label="Copy oracle command" /> : null}
            </div>
            <pre className="code" aria-label="Minimal repro script">
              {minimal.script}
            </pre>
            {oracle ? (
              <p>
                Oracle: <code className="mono">{oracle}</code>
              </p>
            ) : null}
            {decision?.repro?.claimed_failure_signature ? (
              <p>
                Fails with: <code className="mono">{decision.repro.claimed_failure_signature}</code>
                {decision.repro.validation
                  ? ` — ${decision.repro.validation.matches} of ${decision.repro.validation.total_runs} runs`
                  : ''}
              </p>
            ) : null}
          </>
        ) : (
          <p className="muted">No minimal repro yet: it comes after validation and minimization.</p>
        )}
        {reduction ? (
          <dl className="counts">
            <div>
              <dt>original</dt>
              <dd>{reduction.original} lines</dd>
            </div>
            <div>
              <dt>after LLM</dt>
              <dd>
                {reduction.afterLlm} lines{reduction.llmAccepted === false ? ' (rejected)' : ''}
              </dd>
            </div>
            <div>
              <dt>final</dt>
              <dd>{reduction.final} lines</dd>
            </div>
            <div>
              <dt>removed</dt>
              <dd>{reduction.original > 0 ? Math.round((1 - reduction.final / reduction.original) * 100) : 0}%</dd>
            </div>
            {reduction.oracleRuns !== null ? (
              <div>
                <dt>oracle runs</dt>
                <dd>
                  {reduction.oracleRuns}
                  {reduction.cacheHits !== null ? ` (+${reduction.cacheHits} cached)` : ''}
                </dd>
              </div>
            ) : null}
          </dl>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="candidates-title">
        <h2 id="candidates-title">Candidates</h2>
        {errors.candidates ? <p className="form-error">{errors.candidates}</p> : null}
        {sorted.length === 0 ? <p className="muted">No candidates validated yet.</p> : null}
        <div className="cards">
          {sorted.map((c) => (
            <CandidateCard key={`${c.worker_id}-${c.candidate_id}`} c={c} chosenId={chosenId} />
          ))}
        </div>
      </section>
    </div>
  );
}
