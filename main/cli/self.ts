// How this program invokes itself (launch scripts, the manager's tmux session): node + the built CLI.
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellJoin } from '../process/shellQuote';
import { findExecutable } from '../process/findExecutable';

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
 * A command line to print for the person, one that works in their shell: `mminions …` when that is
 * on their PATH (not only on the PATH npm gives its scripts), `npx mminions …` from inside this
 * folder, else `node <this folder>/bin/mminions.js …`. Arguments are shell-quoted.
 */
export function commandHint(args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const root = packageRoot();
  const cwd = o.cwd ?? process.cwd();
  const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(parent + sep);
  const found = findExecutable('mminions', o.env ?? process.env, cwd);
  let prefix: string;
  if (found && !inside(found, join(root, 'node_modules'))) prefix = 'mminions';
  else if (inside(cwd, root)) prefix = 'npx mminions';
  else prefix = shellJoin(['node', join(root, 'bin', 'mminions.js')]);
  return `${prefix} ${shellJoin(args)}`;
}
