// The Electron preload bridge (window.mminions) when the dashboard runs in the desktop app; null in a browser.
import type { MminionsBridge } from '../../../preload/bridge';

export type { MminionsBridge, ServerInfo } from '../../../preload/bridge';

declare global {
  interface Window {
    mminions?: MminionsBridge;
  }
}

export function getBridge(): MminionsBridge | null {
  return typeof window !== 'undefined' && window.mminions ? window.mminions : null;
}
