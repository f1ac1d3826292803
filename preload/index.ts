// The preload bridge: the only things the renderer may ask of Electron.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('mminions', {
  server: () => ipcRenderer.invoke('mminions:server') as Promise<{ url: string; token: string }>,
  pickFolder: () => ipcRenderer.invoke('mminions:pick-folder') as Promise<string | null>,
  notify: (title: string, body: string) => ipcRenderer.invoke('mminions:notify', title, body) as Promise<void>,
});
