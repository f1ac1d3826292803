// `mminions manager`: run one run in the foreground; exit 0 when the decision is ok, 2 otherwise.
import { issueSourceProblem, type IssueInput, type RunRequest } from '../../common/runRequest';
import { loadConfig } from '../config/config';
import { makeRunRequest, readRunRequest } from '../manager/launcher';
import { runManager } from '../manager/pipeline';
import { RunStore } from '../runs/runStore';
import { parseFlags, RUN_FLAGS, runOverrides, UsageError } from './args';

export const USAGE = `Usage: mminions manager (--issue-url URL | --issue-file FILE | --issue-text TEXT) [--config FILE] [--run-id ID]
       [--repo-path DIR] [--runs-root DIR] [--workers N] [--fix-workers N] [--timeout-sec S] [--poll-interval-sec S]
       [--repro-validation-runs N] [--repro-min-matches N] [--validation-python-version V]
       [--worker-model M] [--manager-model M] [--stall-sec S] [--tmux-socket NAME]
   or: mminions manager --run-id ID [--runs-root DIR]   (the run a launcher prepared: its meta/request.json)`;

const FLAG_NAMES = { url: '--issue-url', file: '--issue-file', text: '--issue-text' } as const;

/** The issue a command line names (exactly one source: see issueSourceProblem). */
export function issueSource(values: Record<string, unknown>, usage: string): IssueInput {
  const issue = {
    url: values['issue-url'] as string | undefined,
    file: values['issue-file'] as string | undefined,
    text: values['issue-text'] as string | undefined,
  };
  const problem = issueSourceProblem(issue, FLAG_NAMES);
  if (problem) throw new UsageError(`${problem}\n\n${usage}`);
  return Object.fromEntries(Object.entries(issue).filter(([, v]) => v !== undefined)) as IssueInput;
}

/** Flags that describe a run (anything but where it is): a launcher's request is never mixed with them. */
const RUN_SETTING_FLAGS = Object.keys(RUN_FLAGS).filter((f) => f !== 'run-id' && f !== 'runs-root' && f !== 'config');

/**
 * The request to run: the one a launcher wrote (`--run-id` alone, with the runs root), or one made
 * here from the configuration and the flags, as a launcher would.
 */
export async function requestFromFlags(values: Record<string, unknown>, usage: string): Promise<RunRequest> {
  const settings = RUN_SETTING_FLAGS.filter((f) => values[f] !== undefined);
  const runId = values['run-id'] as string | undefined;
  if (runId && settings.length === 0) {
    const root =
      (values['runs-root'] as string | undefined) ??
      loadConfig({ configFile: values.config as string | undefined }).manager.runs_root;
    const store = new RunStore(root);
    if (await store.exists(runId)) return readRunRequest(store.paths(runId));
  }
  const issue = issueSource(values, usage);
  const config = loadConfig({ configFile: values.config as string | undefined, overrides: runOverrides(values) });
  return { ...makeRunRequest(config, issue, 'manager'), run_id: runId ?? '' };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, RUN_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const request = await requestFromFlags(values, USAGE);
  for (const w of request.config.meta.warnings) console.error(`mminions manager: warning: ${w}`);
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    console.log(`\n[mminions] ${sig}: stopping the run (ending workers, removing worktrees)...`);
    controller.abort();
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  // A killed tmux pane closes stdout: keep going and clean up rather than die on EPIPE/EIO.
  process.stdout.on('error', () => undefined);
  const result = await runManager({ request, out: (l) => console.log(l), signal: controller.signal });
  return result.decision.status === 'ok' ? 0 : 2;
}
