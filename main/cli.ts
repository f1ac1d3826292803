// mminions command-line entry point: dispatches to one module per command.
import { UsageError } from './cli/args';

interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  manager: { summary: 'run one repro + triage + fix run in the foreground', load: () => import('./cli/manager') },
  run: { summary: 'start the manager inside a tmux session (optionally --detach)', load: () => import('./cli/run') },
  status: { summary: 'show a run: manager, workers, decision', load: () => import('./cli/status') },
  attach: { summary: "attach your terminal to a worker's or the manager's tmux session", load: () => import('./cli/attach') },
  send: {
    summary: "ask a worker's agent a follow-up, or tell the manager to skip, extend or show status",
    load: () => import('./cli/send'),
  },
  stop: { summary: 'stop a run: end its sessions, remove its worktrees, record stopped', load: () => import('./cli/stop') },
  server: { summary: 'serve the local API and the dashboard', load: () => import('./cli/server') },
  demo: { summary: 'run the bundled example end to end with a scripted model (no network)', load: () => import('./cli/demo') },
  eval: { summary: 'bug-fix evaluation harness (numpy-convolve, bugfix)', load: () => import('./cli/eval') },
  preflight: { summary: 'check codex, tmux, git and the repository', load: () => import('./cli/preflight') },
  config: { summary: 'print the effective configuration', load: () => import('./cli/config') },
  'scripted-model': {
    summary: 'serve a scripted Responses-API model on loopback (tests, demo)',
    load: () => import('./cli/scriptedModel'),
  },
  'render-events': {
    summary: 'render codex JSONL events from stdin as readable lines',
    load: () => import('./cli/renderEvents'),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'mminions — manager-first bug reproduction and triage with Codex workers in tmux',
    '',
    'Usage: mminions <command> [flags]     (mminions <command> --help for its flags)',
    '',
    'Commands:',
    ...lines,
    '',
    'Configuration: ./mminions.toml, --config FILE or MMINIONS_CONFIG (see docs/configuration.md).',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log('mminions 0.1.0');
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`mminions: unknown command ${JSON.stringify(name)}\n\n${helpText()}`);
    return 64;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`mminions ${name}: ${err.message}`);
      return 64;
    }
    const e = err as Error;
    // Our own errors say what went wrong in words; a built-in one (TypeError, ...) is a bug, named as such.
    const builtin = [
      'EvalAbort',
      'RangeError',
      'ReferenceError',
      'SyntaxError',
      'TypeError',
      'URIError',
      'AggregateError',
    ].includes(e.name);
    console.error(`mminions ${name}: ${builtin ? `${e.name}: ` : ''}${e.message}`);
    if (process.env.MMINIONS_DEBUG) console.error(e.stack);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
