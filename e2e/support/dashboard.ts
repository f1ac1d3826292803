// The e2e harness: the real status server over a prepared runs root and a private tmux, and Debian's Chromium via playwright-core.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { privateTmux } from '../../testkit/tmux';
import { buildConfig, type Config } from '../../main/config/config';
import { RunStore } from '../../main/runs/runStore';
import { startStatusServer, type StatusServer } from '../../main/server/server';
import type { Tmux } from '../../main/tmux/tmux';
import type { TerminalRegistryView } from '../../renderer/src/terminal/registryView';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.MMINIONS_CHROMIUM ?? '/usr/bin/chromium';

export function requireBuiltDashboard(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `the dashboard is not built (${RENDERER_DIR}/index.html is missing): run \`npm run build\` before the e2e tests (\`npm test\` does)`,
    );
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium), as .ci/run does`);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Harness {
  dir: string;
  store: RunStore;
  tmux: Tmux;
  config: Config;
  server: StatusServer;
  close(): Promise<void>;
}

export async function startHarness(configure: (c: Config) => Config = (c) => c): Promise<Harness> {
  requireBuiltDashboard();
  const dir = await mkdtemp(join(tmpdir(), 'mm-e2e-'));
  const runsRoot = join(dir, 'runs');
  await mkdir(runsRoot, { recursive: true });
  const tmux = privateTmux('mme2e');
  const config = configure(
    buildConfig({}, { file: null, env: {}, cwd: dir, overrides: { runs_root: runsRoot, tmux_socket: tmux.socket } }),
  );
  const server = await startStatusServer({ config, port: 0, quiet: true, staticDir: RENDERER_DIR });
  return {
    dir,
    store: new RunStore(runsRoot),
    tmux,
    config,
    server,
    close: async () => {
      await server.close();
      await tmux.killServer();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const openContexts = new Set<BrowserContext>();

/** Closes every page a test opened, also when it failed half-way (its event streams and terminals go with it). */
export async function closePages(): Promise<void> {
  for (const c of openContexts) await c.close().catch(() => undefined);
  openContexts.clear();
}

/** A page with console errors and failed requests collected, so a test can assert there were none. */
export async function openPage(
  browser: Browser,
  opts: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: opts.colorScheme ?? 'light' });
  openContexts.add(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // Artifacts a run has not written yet are 404 by design; any other failed request is reported.
  page.on('response', (r) => {
    if (r.status() >= 400 && !/\/api\/runs\/[^/]+\/artifacts\//.test(r.url()))
      errors.push(`http ${r.status()} ${r.request().method()} ${r.url().replace(/token=[^&]+/, 'token=…')}`);
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** The text of a worker's terminal, read from xterm's buffer (the WebGL renderer leaves no text in the DOM). */
export function terminalText(page: Page, worker: string): Promise<string | null> {
  return page.evaluate((w) => (globalThis as unknown as PageGlobals).__mminionsTerminals?.text(w) ?? null, worker);
}

export function terminalSize(page: Page, worker: string): Promise<{ cols: number; rows: number } | null> {
  return page.evaluate((w) => (globalThis as unknown as PageGlobals).__mminionsTerminals?.size(w) ?? null, worker);
}

export function terminalSelection(page: Page, worker: string): Promise<string | null> {
  return page.evaluate((w) => (globalThis as unknown as PageGlobals).__mminionsTerminals?.selection(w) ?? null, worker);
}

/** Console errors that are not the expected 404s of artifacts a run has not written yet. */
export function unexpectedErrors(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
}

/** The browser globals the tests read inside page.evaluate (this file is compiled without the DOM library). */
export interface PageWindow {
  sessionStorage: { getItem(key: string): string | null };
  navigator: { clipboard: { readText(): Promise<string> } };
  document: { activeElement: unknown; documentElement: { dataset: Record<string, string | undefined> } };
}

/** What the dashboard exposes on window for tests (renderer/src/terminal/registry.ts). */
export interface PageGlobals {
  __mminionsTerminals?: TerminalRegistryView;
  __pwned?: boolean;
}
