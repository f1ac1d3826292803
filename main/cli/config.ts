// `mminions config`: print the effective configuration (after file, environment and flags).
import { loadConfig, renderConfig } from '../config/config';
import { parseFlags, RUN_FLAGS, runOverrides } from './args';

const USAGE = 'Usage: mminions config [--config FILE] [any manager flag, e.g. --workers 3]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, RUN_FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig({ configFile: values.config, overrides: runOverrides(values) });
  process.stdout.write(renderConfig(config));
  return 0;
}
