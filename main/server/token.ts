// The API token: generated on first start, kept in <runs_root>/.mminions/token (mode 0600), reused after.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,256}$/;

export function tokenPath(runsRoot: string): string {
  return join(runsRoot, '.mminions', 'token');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function checkTokenText(token: string, from: string): string {
  if (!TOKEN_PATTERN.test(token)) {
    const fix = /^(--token|MMINIONS_TOKEN|--token-file)/.test(from)
      ? 'use 16 to 256 characters of letters, digits, ".", "_", "~" and "-"'
      : 'delete the file and a new token is made on the next start';
    throw new Error(`the token from ${from} is not usable: ${fix}`);
  }
  return token;
}

/**
 * The token a person chose for `mminions server`, from where it is not visible in `ps`: --token-file,
 * then MMINIONS_TOKEN; --token (visible to every user of the machine) still works, with a warning.
 */
export async function chosenToken(o: {
  tokenFile?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<{ token: string; from: string; warning: string | null } | null> {
  if (o.tokenFile !== undefined) {
    const text = await readFile(o.tokenFile, 'utf8').catch((err: Error) => {
      throw new Error(`cannot read --token-file ${o.tokenFile}: ${err.message}`);
    });
    return { token: text.trim(), from: `--token-file ${o.tokenFile}`, warning: null };
  }
  const env = o.env ?? process.env;
  if (env.MMINIONS_TOKEN) return { token: env.MMINIONS_TOKEN.trim(), from: 'MMINIONS_TOKEN', warning: null };
  if (o.token !== undefined) {
    return {
      token: o.token,
      from: '--token',
      warning: 'warning: --token is visible to every user of this machine (ps); use --token-file FILE or MMINIONS_TOKEN instead',
    };
  }
  return null;
}

/**
 * The stored token, or a new one written with mode 0600 (in a 0700 folder). A stored file that
 * others could read is tightened back to 0600. `explicit` (--token) wins and is not stored.
 */
export async function loadOrCreateToken(
  runsRoot: string,
  explicit?: string,
  explicitFrom = '--token',
): Promise<{ token: string; path: string | null; created: boolean }> {
  if (explicit !== undefined) return { token: checkTokenText(explicit, explicitFrom), path: null, created: false };
  const path = tokenPath(runsRoot);
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if ((await stat(path)).mode & 0o077) await chmod(path, 0o600);
    return { token: checkTokenText(text, path), path, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(runsRoot, { recursive: true });
  await mkdir(join(runsRoot, '.mminions'), { recursive: true, mode: 0o700 });
  const token = newToken();
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another server started at the same moment and wrote it first: use that one.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(runsRoot);
    throw err;
  }
  await chmod(path, 0o600); // the umask may have narrowed it further; never wider
  return { token, path, created: true };
}
