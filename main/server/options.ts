// The status server's options: defaults and the checks made before binding (pure).
import type { Config } from '../config/config';
import type { Tmux } from '../tmux/tmux';
import { isLoopbackHost } from './auth';

export interface StatusServerOptions {
  /** The runs root (default: the configuration's manager.runs_root). */
  runsRoot?: string;
  /** Default 127.0.0.1; anything not loopback needs allowRemote. */
  host?: string;
  /** Default 8088; 0 picks a free port. */
  port?: number;
  /** Default `lines` of status requests (clamped to 10..500). */
  captureLines?: number;
  /** No request log lines. */
  quiet?: boolean;
  /** Use this token instead of the stored one (not stored). */
  token?: string;
  /** Where `token` came from, for error messages (default --token). */
  tokenFrom?: string;
  allowRemote?: boolean;
  /** mminions.toml to load (default: MMINIONS_CONFIG, then ./mminions.toml). Ignored when `config` is given. */
  configFile?: string;
  /** An already loaded configuration (the Electron main process). */
  config?: Config;
  /** tmux -L socket name (default: the configuration's). */
  tmuxSocket?: string;
  /** The tmux client to use (default: one on the configured socket). */
  tmux?: Tmux;
  /** The built dashboard (default: <package>/out/renderer). */
  staticDir?: string;
  /** argv prefix that runs `mminions` (default: node + the built CLI). */
  selfCommand?: string[];
  /** Open connections at once (default MAX_CONNECTIONS); more are closed as they come. */
  maxConnections?: number;
  /** Where request lines and warnings go (default: stderr). */
  log?: (line: string) => void;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8088;

export function checkBind(host: string, port: number, allowRemote: boolean): string | null {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${port}: expected 0..65535 (0 picks a free port)`);
  if (!host || /[\s/]/.test(host)) throw new Error(`--host ${JSON.stringify(host)}: expected an address such as 127.0.0.1`);
  if (isLoopbackHost(host)) return null;
  if (!allowRemote) {
    throw new Error(
      `--host ${host} is not a loopback address: anyone who can reach it could drive your runs. Keep the default 127.0.0.1, or pass --allow-remote if you really mean it`,
    );
  }
  return `warning: serving on ${host}, which is not loopback: anyone who reaches this address and has the token can start runs and type into agent sessions, and HTTP sends the token in clear text`;
}
