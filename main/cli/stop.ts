// `mminions stop`: end the manager and every worker session, remove worktrees, record `stopped`.
import { stopRun } from '../manager/control';
import { parseFlags } from './args';
import { CONTROL_FLAGS, controlContext } from './context';

const USAGE = 'Usage: mminions stop --run-id ID [--runs-root DIR] [--config FILE]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CONTROL_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const ctx = controlContext(values, USAGE);
  const res = await stopRun(ctx.store, ctx.tmux, ctx.runId);
  console.log(JSON.stringify(res));
  if (res.already_finished)
    console.error(
      `run ${res.run_id} had already finished (${res.already_finished}): nothing was running to stop; its leftovers, if any, were cleaned up.`,
    );
  return 0;
}
