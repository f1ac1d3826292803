// `mminions server`: serve the local API and the dashboard until SIGINT/SIGTERM.
import { startStatusServer } from '../server/server';
import { chosenToken } from '../server/token';
import { intFlag, parseFlags } from './args';

const USAGE = `Usage: mminions server [--runs-root DIR] [--host 127.0.0.1] [--port 8088] [--capture-lines 120] [--quiet]
       [--token-file FILE] [--allow-remote] [--config FILE] [--tmux-socket NAME]

Serves the local API (docs/api.md) and the dashboard. Every /api/* call needs the token printed
below (kept in <runs_root>/.mminions/token). To choose the token yourself, put it in a file
(--token-file FILE) or in MMINIONS_TOKEN; --token T still works but shows the token to every user
of the machine (ps). --port 0 picks a free port. Binding anything but a loopback address needs
--allow-remote.`;

const FLAGS = {
  'runs-root': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'capture-lines': { type: 'string' },
  quiet: { type: 'boolean' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  'allow-remote': { type: 'boolean' },
  config: { type: 'string' },
  'tmux-socket': { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chosen = await chosenToken({ tokenFile: values['token-file'], token: values.token });
  if (chosen?.warning) console.error(`mminions server: ${chosen.warning}`);
  const server = await startStatusServer({
    runsRoot: values['runs-root'],
    host: values.host,
    port: intFlag('port', values.port),
    captureLines: intFlag('capture-lines', values['capture-lines']),
    quiet: values.quiet,
    token: chosen?.token,
    tokenFrom: chosen?.from,
    allowRemote: values['allow-remote'],
    configFile: values.config,
    tmuxSocket: values['tmux-socket'],
  });
  console.log(`mminions server: ${server.pageUrl}`);
  if (!values.quiet) {
    console.log(`  runs root: ${server.services.store.root}`);
    console.log(`  token file: ${server.tokenPath ?? `(none: the token from ${chosen?.from ?? '--token'})`}`);
    console.log('  Ctrl-C stops the server (runs keep going in tmux).');
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  if (!values.quiet) console.log(`\nmminions server: ${signal}, closing terminals and connections...`);
  await server.close();
  return 0;
}
