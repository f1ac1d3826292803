// `mminions manager`: run one repro + triage run in the foreground; exit 0 when the decision is ok, 2 otherwise.
import { loadConfig } from '../config/config';
import { runManager } from '../manager/pipeline';
import { parseFlags, RUN_FLAGS, runOverrides, UsageError } from './args';

export const USAGE = `Usage: mminions manager (--issue-url URL | --issue-file FILE | --issue-text TEXT) [--config FILE] [--run-id ID]
       [--repo-path DIR] [--runs-root DIR] [--workers N] [--timeout-sec S] [--poll-interval-sec S]
       [--repro-validation-runs N] [--repro-min-matches N] [--validation-python-version V]
       [--worker-model M] [--manager-model M] [--stall-sec S] [--tmux-socket NAME]`;

export function issueSource(values: Record<string, unknown>, usage: string) {
  const issue = {
    url: values['issue-url'] as string | undefined,
    file: values['issue-file'] as string | undefined,
    text: values['issue-text'] as string | undefined,
  };
  const given = Object.values(issue).filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError(`give exactly one of --issue-url, --issue-file or --issue-text\n\n${usage}`);
  return issue;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, RUN_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const issue = issueSource(values, USAGE);
  const config = loadConfig({ configFile: values.config, overrides: runOverrides(values) });
  for (const w of config.meta.warnings) console.error(`mminions manager: warning: ${w}`);
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    console.log(`\n[mminions] ${sig}: stopping the run (ending workers, removing worktrees)...`);
    controller.abort();
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  // A killed tmux pane closes stdout: keep going and clean up rather than die on EPIPE/EIO.
  process.stdout.on('error', () => undefined);
  const result = await runManager({
    config,
    issue,
    runId: values['run-id'],
    out: (l) => console.log(l),
    signal: controller.signal,
  });
  return result.decision.status === 'ok' ? 0 : 2;
}
