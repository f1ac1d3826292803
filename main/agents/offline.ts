// Settings that run the real codex CLI offline against a loopback model (the scripted model, the demo).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** A fresh CODEX_HOME holding the offline settings. */
export async function makeOfflineCodexHome(prefix = 'mm-codex-home-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, 'config.toml'), OFFLINE_CODEX_CONFIG);
  return dir;
}
