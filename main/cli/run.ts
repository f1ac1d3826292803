// `mminions run`: start the manager inside tmux session codorch-<run_id>-manager, then wait for it unless --detach.
import { readFile } from 'node:fs/promises';
import { Decision } from '../../common/artifacts';
import { loadConfig } from '../config/config';
import { launchManager, makeRunRequest, waitForRunDone } from '../manager/launcher';
import { renderSummary } from '../manager/report';
import { parseJsonArtifact } from '../runs/runStore';
import { Tmux } from '../tmux/tmux';
import { parseFlags, RUN_FLAGS, runOverrides } from './args';
import { issueSource, USAGE as MANAGER_USAGE } from './manager';
import { commandHint, selfCommand } from './self';

const USAGE = `${MANAGER_USAGE.replace('mminions manager', 'mminions run')}\n       [--detach]`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...RUN_FLAGS, detach: { type: 'boolean' } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const issue = issueSource(values, USAGE);
  const config = loadConfig({ configFile: values.config, overrides: runOverrides(values) });
  for (const w of config.meta.warnings) console.error(`mminions run: warning: ${w}`);
  const tmux = new Tmux(config.tmux.socket);
  const request = makeRunRequest(config, issue, 'cli');
  const launched = await launchManager({ request, tmux, runId: values['run-id'], selfCommand: selfCommand() });
  console.log(`run_id: ${launched.run_id}`);
  console.log(`manager_session: ${launched.manager_session}`);
  console.log(`run_done: ${launched.run_done}`);
  const attach = `tmux ${[...tmux.baseArgs(), 'attach', '-t', launched.manager_session].join(' ')}`;
  if (values.detach) {
    // The flags that find this run again, wherever they came from: its runs root and tmux socket.
    const where = ['--runs-root', config.manager.runs_root, ...(config.tmux.socket ? ['--tmux-socket', config.tmux.socket] : [])];
    console.log(
      `detached; watch it with \`${commandHint(['status', '--run-id', launched.run_id, '--format', 'text', ...where])}\` or \`${attach}\``,
    );
    return 0;
  }
  console.log(`waiting for the run (Ctrl-C stops waiting, not the run; watch it live with \`${attach}\`)...`);
  await waitForRunDone(launched.paths, tmux, launched.manager_session);
  const decision = parseJsonArtifact(launched.paths.decision, await readFile(launched.paths.decision, 'utf8'), Decision);
  console.log(renderSummary(launched.paths.dir, decision));
  return decision.status === 'ok' ? 0 : 2;
}
