// The preload bridge: exposes only server(), pickFolder() and notify() to the sandboxed renderer.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type MminionsBridge, type ServerInfo } from './bridge';

const bridge: MminionsBridge = {
  server: () => ipcRenderer.invoke(IPC_CHANNELS.server) as Promise<ServerInfo>,
  pickFolder: () => ipcRenderer.invoke(IPC_CHANNELS.pickFolder) as Promise<string | null>,
  notify: (title: string, body: string) => ipcRenderer.invoke(IPC_CHANNELS.notify, String(title), String(body)) as Promise<void>,
};

contextBridge.exposeInMainWorld('mminions', bridge);
