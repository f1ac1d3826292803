// `mminions send`: type a line of text into a worker's (or the manager's) tmux session.
import { sendToWorker } from '../manager/control';
import { parseFlags, UsageError } from './args';
import { CONTROL_FLAGS, controlContext } from './context';

const USAGE = 'Usage: mminions send --run-id ID --worker W --text T [--runs-root DIR] [--config FILE]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CONTROL_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const ctx = controlContext(values, USAGE);
  if (!values.worker) throw new UsageError(`--worker is required\n\n${USAGE}`);
  if (values.text === undefined) throw new UsageError(`--text is required\n\n${USAGE}`);
  await sendToWorker(ctx.store, ctx.tmux, ctx.runId, values.worker, values.text);
  console.log(JSON.stringify({ run_id: ctx.runId, worker: values.worker, sent: true }));
  return 0;
}
