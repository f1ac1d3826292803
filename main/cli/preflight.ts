// `mminions preflight`: check codex, tmux, git and the repository; non-zero exit when a check fails.
import { loadConfig } from '../config/config';
import { formatPreflight, runPreflight } from '../preflight/preflight';
import { parseFlags } from './args';

const USAGE = 'Usage: mminions preflight [--repo-path DIR] [--config FILE] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { 'repo-path': { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig({ configFile: values.config, overrides: { repo_path: values['repo-path'] } });
  // The check itself must see what the user typed: a relative path is a failure, not resolved away.
  const repoPath = values['repo-path'] ?? config.manager.repo_path;
  const result = await runPreflight({ config, repoPath });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatPreflight(result));
  return result.ok ? 0 : 1;
}
