// Settings that run the real codex CLI offline against a loopback model (the scripted model, the demo).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Keeps codex 0.169.0 off the network beyond the model provider: with these off it makes no DNS
 * lookups at all (otherwise it looks up api.github.com, chatgpt.com and ab.chatgpt.com).
 * No shell snapshots either: codex writes them in the background, into CODEX_HOME.
 */
export const OFFLINE_CODEX_CONFIG = `# written by mminions: keep codex off the network
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[features]
plugins = false
remote_plugin = false
plugin_sharing = false
apps = false
shell_snapshot = false
`;

export const SCRIPTED_PROVIDER = 'scripted';

/** The [codex.config] table (Config.codex.config) selecting a scripted model at `url` (…/v1). */
export function scriptedCodexConfig(url: string): Record<string, unknown> {
  return {
    model_provider: SCRIPTED_PROVIDER,
    model_providers: { [SCRIPTED_PROVIDER]: { name: SCRIPTED_PROVIDER, base_url: url, wire_api: 'responses' } },
  };
}

/**
 * Where fresh CODEX_HOMEs go: never under /tmp. Where the system has bubblewrap, codex's own sandbox
 * uses it and refuses to create its helper under /tmp, and every command the model runs then fails
 * (`execvp codex-linux-sandbox`) without the answer saying so. MMINIONS_CODEX_HOME_ROOT overrides.
 */
export function codexHomeRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.MMINIONS_CODEX_HOME_ROOT || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mminions', 'codex-homes');
}

/** A fresh CODEX_HOME holding the offline settings (under codexHomeRoot()). */
export async function makeOfflineCodexHome(prefix = 'mm-codex-home-'): Promise<string> {
  const root = codexHomeRoot();
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, prefix));
  await writeFile(join(dir, 'config.toml'), OFFLINE_CODEX_CONFIG);
  return dir;
}
