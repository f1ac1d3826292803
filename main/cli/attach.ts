// `mminions attach`: attach this terminal to a worker's or the manager's tmux session.
import { spawnSync } from 'node:child_process';
import { workerSession } from '../manager/control';
import { parseFlags } from './args';
import { CONTROL_FLAGS, controlContext } from './context';

const USAGE = 'Usage: mminions attach --run-id ID [--worker manager|wN] [--read-only] [--runs-root DIR] [--config FILE]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CONTROL_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const ctx = controlContext(values, USAGE);
  const name = await workerSession(ctx.store, ctx.runId, values.worker ?? 'manager');
  const args = [...ctx.tmux.baseArgs(), 'attach-session', ...(values['read-only'] ? ['-r'] : []), '-t', `=${name}`];
  if (!(await ctx.tmux.hasSession(name))) {
    const who = (values.worker ?? 'manager') === 'manager' ? 'manager' : 'worker';
    console.error(
      `session ${name} is not running (the ${who} has ended); its output is in the run's ${who === 'manager' ? 'final.md and events.jsonl' : 'agents/ and telemetry/ folders'}.`,
    );
    return 1;
  }
  if (!process.stdin.isTTY) {
    console.error(`attach needs a terminal. From a terminal run: tmux ${args.join(' ')}`);
    return 1;
  }
  const env = { ...process.env };
  delete env.TMUX;
  const res = spawnSync('tmux', args, { stdio: 'inherit', env });
  return res.status ?? 1;
}
