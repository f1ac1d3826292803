// The start page: what mminions does, and the way to start a run.
import { useRuns } from '../stores/context';

export function HomeView() {
  const count = useRuns((s) => s.items.length);
  return (
    <section className="view home" aria-labelledby="home-title">
      <h1 id="home-title">Bug reproduction, triage and fixing</h1>
      <p className="lead">
        Paste an issue. A manager launches Codex workers in their own tmux sessions and worktrees, runs their reproducers to check
        them, minimizes the best one, ranks root-cause hypotheses with <code>file:line</code> evidence, and proves fixes by
        running them.
      </p>
      <p>
        <a className="btn btn-primary" href="#/new">
          New run
        </a>{' '}
        <span className="muted small">
          or press <kbd>n</kbd>
        </span>
      </p>
      <p className="muted">
        {count === 0
          ? 'No runs yet.'
          : count === 1
            ? 'Pick the run on the left to watch it.'
            : `Pick one of the ${count} runs on the left to watch it.`}
      </p>
    </section>
  );
}
