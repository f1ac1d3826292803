// The status server inside the desktop app: loopback, a free port, a fresh token, the configured runs root.
import { randomBytes } from 'node:crypto';
import { cliScript } from '../cli/self';
import type { Config } from '../config/config';
import { startStatusServer, type StatusServer } from '../server/server';

/**
 * How the embedded server starts `mminions` (the manager of a new run): Electron's binary runs
 * the CLI as plain Node when ELECTRON_RUN_AS_NODE is set.
 */
export function electronSelfCommand(execPath: string, cli: string): string[] {
  return ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', execPath, cli];
}

export function freshToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface EmbeddedServerOptions {
  config: Config;
  /** Electron's binary (process.execPath in the main process). */
  execPath: string;
  log?: (line: string) => void;
  /** Where the dashboard's built files are (default: the server's, out/renderer). */
  staticDir?: string;
}

export function startEmbeddedServer(o: EmbeddedServerOptions): Promise<StatusServer> {
  return startStatusServer({
    config: o.config,
    runsRoot: o.config.manager.runs_root,
    host: '127.0.0.1',
    port: 0,
    token: freshToken(),
    quiet: true,
    selfCommand: electronSelfCommand(o.execPath, cliScript()),
    ...(o.staticDir ? { staticDir: o.staticDir } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
}
