// Report: final.md, rendered without raw HTML.
import { Markdown } from '../../components/Markdown';
import { useRun } from '../../stores/context';

export function ReportTab() {
  const final = useRun((s) => s.artifacts.final);
  const error = useRun((s) => s.artifactErrors.final);
  const running = useRun((s) => s.status?.run_state === 'running');
  if (error) return <p className="form-error">{error}</p>;
  if (final === undefined)
    return <p className="muted">{running ? 'The report is written when the run finishes.' : 'This run has no report.'}</p>;
  return (
    <article className="panel report" aria-label="Final report">
      <Markdown text={final} />
    </article>
  );
}
