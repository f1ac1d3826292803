// The preload bridge's contract: what the renderer may ask of Electron (window.mminions), and the IPC channels behind it.

export interface ServerInfo {
  /** Origin of the in-process status server, e.g. http://127.0.0.1:43123 */
  url: string;
  token: string;
}

export interface MminionsBridge {
  server(): Promise<ServerInfo>;
  /** A native folder picker; null when the person cancels. */
  pickFolder(): Promise<string | null>;
  /** A desktop notification (title and body are shortened by the main process). */
  notify(title: string, body: string): Promise<void>;
}

export const IPC_CHANNELS = {
  server: 'mminions:server',
  pickFolder: 'mminions:pick-folder',
  notify: 'mminions:notify',
} as const;
