// How this program invokes itself (launch scripts, the manager's tmux session): node + the built CLI.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellJoin } from '../agents/shellQuote';

/** The package root (the folder holding mminions' package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'mminions.toml'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The built CLI script; MMINIONS_CLI overrides (tests and packaged apps). */
export function cliScript(): string {
  return process.env.MMINIONS_CLI ?? join(packageRoot(), 'out', 'main', 'cli.js');
}

/** argv prefix that runs `mminions` (append the command and its flags). */
export function selfCommand(): string[] {
  const script = cliScript();
  if (!existsSync(script)) {
    throw new Error(`the mminions CLI is not built (${script} is missing): run \`npm run build\` first`);
  }
  return [process.execPath, script];
}

/**
 * A command line to print for the person: `npx mminions …` when npm started this process (npx,
 * npm run: the command is not on PATH then), else `mminions …`. Arguments are shell-quoted.
 */
export function commandHint(args: string[]): string {
  return `${process.env.npm_command ? 'npx mminions' : 'mminions'} ${shellJoin(args)}`;
}
