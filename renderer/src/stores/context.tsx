// The stores and the API client for React components: one context, typed selector hooks.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/client';
import type { MminionsBridge } from '../api/bridge';
import type { RunStore, RunViewState } from './runStore';
import type { RunsState, RunsStore } from './runsStore';
import type { UiState, UiStore } from './uiStore';

export interface AppContext {
  client: ApiClient;
  bridge: MminionsBridge | null;
  runs: RunsStore;
  run: RunStore;
  ui: UiStore;
}

export const StoresContext = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(StoresContext);
  if (!ctx) throw new Error('the dashboard stores are not provided');
  return ctx;
}

export function useRuns<T>(sel: (s: RunsState) => T): T {
  return useStore(useApp().runs, sel);
}

export function useRun<T>(sel: (s: RunViewState) => T): T {
  return useStore(useApp().run, sel);
}

export function useUi<T>(sel: (s: UiState) => T): T {
  return useStore(useApp().ui, sel);
}
