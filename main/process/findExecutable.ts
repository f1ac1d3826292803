// Finds a command the way a shell would: an explicit path, or the first executable match on PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `command`, or null when it is neither an executable path nor on env.PATH. */
export function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string | null {
  if (!command) return null;
  if (command.includes('/')) {
    const p = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // An empty PATH entry means the current directory; shells allow it, we do not.
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, command);
    if (isExecutableFile(p)) return p;
  }
  return null;
}
