// Finds a GitHub token: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token` when gh is installed.
import { findExecutable } from '../process/findExecutable';
import { runProcess } from '../process/run';

export interface ResolveTokenOptions {
  /** Host to ask gh about (GitHub Enterprise); github.com when omitted. */
  host?: string;
  timeoutMs?: number;
}

/** The token to send, or null: a missing token is fine for public issues on github.com. */
export async function resolveGithubToken(env: NodeJS.ProcessEnv, opts: ResolveTokenOptions = {}): Promise<string | null> {
  for (const key of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    const v = env[key]?.trim();
    if (v) return v;
  }
  const gh = findExecutable('gh', env);
  if (!gh) return null;
  const args = ['auth', 'token', ...(opts.host && opts.host !== 'github.com' ? ['--hostname', opts.host] : [])];
  const r = await runProcess([gh, ...args], { env, timeoutMs: opts.timeoutMs ?? 5_000, maxOutputBytes: 64 * 1024 });
  const token = r.exitCode === 0 ? r.stdout.trim() : '';
  // Only a single plausible token line; anything else (a prompt, an error) is not a token.
  return token && /^[\x21-\x7e]+$/.test(token) ? token : null;
}

/** The host gh knows an API base URL by: api.github.com is github.com, GHE serves /api/v3 on its own host. */
export function githubHostForApi(apiUrl: string): string {
  try {
    const host = new URL(apiUrl).host.toLowerCase();
    return host === 'api.github.com' ? 'github.com' : host;
  } catch {
    return 'github.com';
  }
}
