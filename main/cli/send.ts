// `mminions send`: a follow-up to a worker's agent, or a command to the manager (skip, extend <seconds>, status).
import { sendToWorker } from '../manager/control';
import { parseFlags, UsageError } from './args';
import { CONTROL_FLAGS, controlContext } from './context';

const USAGE = `Usage: mminions send --run-id ID --worker W --text T [--runs-root DIR] [--config FILE]

  --worker wN       a follow-up: the worker's agent answers it as a new turn (while its phase runs)
  --worker manager  a command: skip (end the current worker phase now), extend <seconds>, status`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CONTROL_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const ctx = controlContext(values, USAGE);
  if (!values.worker) throw new UsageError(`--worker is required\n\n${USAGE}`);
  if (values.text === undefined) throw new UsageError(`--text is required\n\n${USAGE}`);
  const { delivered, message } = await sendToWorker(ctx.store, ctx.runId, values.worker, values.text);
  if (delivered === 'command') console.error(message);
  console.log(JSON.stringify({ run_id: ctx.runId, worker: values.worker, sent: true, delivered }));
  return 0;
}
