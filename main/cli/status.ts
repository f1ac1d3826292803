// `mminions status`: the run's status object (the same JSON as GET /api/runs/<id>/status).
import { stripControls } from '../../common/text';
import { clampLines, RunStatusReader } from '../runs/status';
import { parseFlags } from './args';
import { CONTROL_FLAGS, controlContext } from './context';

const USAGE = 'Usage: mminions status --run-id ID [--runs-root DIR] [--lines N] [--format json|text] [--config FILE]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CONTROL_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const ctx = controlContext(values, USAGE);
  const status = await new RunStatusReader(ctx.store, ctx.tmux).status(ctx.runId, clampLines(values.lines ?? '120'));
  if (values.format === 'text') {
    const console = { log: (line: string) => process.stdout.write(`${stripControls(line)}\n`) };
    console.log(`${status.run_id}: ${status.run_state} (decision: ${status.decision.status})`);
    console.log(`  manager  ${status.manager.session_name} ${status.manager.session_exists ? 'live' : 'ended'}`);
    for (const w of status.workers)
      console.log(
        `  ${w.worker_id.padEnd(8)} ${w.role.padEnd(14)} ${w.status.padEnd(9)} ${w.session_name} ${w.session_exists ? 'live' : 'ended'}`,
      );
    const s = status.summary;
    console.log(
      `  total ${s.total}, active ${s.active}, finished ${s.finished}, failed ${s.failed}, timeout ${s.timeout}${s.stopped ? `, stopped ${s.stopped}` : ''}`,
    );
  } else {
    console.log(JSON.stringify(status, null, 2));
  }
  return 0;
}
