// The dashboard in Chromium against the real status server, real tmux sessions and prepared run folders.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionsFile } from '../common/artifacts';
import { appendEvent } from '../main/runs/events';
import { readJson, writeJsonAtomic } from '../main/runs/runStore';
import {
  closePages,
  launchChromium,
  openPage,
  screenshot,
  startHarness,
  terminalSelection,
  terminalSize,
  terminalText,
  unexpectedErrors,
  type Harness,
  type PageGlobals,
  type PageWindow,
} from './support/dashboard';
import {
  DONE_RUN,
  LIVE_RUN,
  MINIMAL_SCRIPT,
  NEEDS_HUMAN_RUN,
  writeDoneRun,
  writeLiveRun,
  writeNeedsHumanRun,
  type LiveRun,
} from './support/runFixtures';

let h: Harness;
let browser: Browser;
let live: LiveRun;

beforeAll(async () => {
  h = await startHarness();
  await writeDoneRun(h.store);
  await writeNeedsHumanRun(h.store);
  live = await writeLiveRun(h.store, h.tmux, join(h.dir, 'repo'));
  browser = await launchChromium();
}, 90_000);
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function openDashboard(
  hash = '',
  opts: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ page: Page; errors: string[] }> {
  const { page, errors, context } = await openPage(browser, opts);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.url });
  await page.goto(`${h.server.pageUrl}${hash}`);
  await page.getByRole('list', { name: 'Runs' }).getByRole('listitem').first().waitFor();
  return { page, errors };
}

const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });
const paneText = (session: string) => h.tmux.capturePane(session, 60);

describe('dashboard', () => {
  it('opens from the printed URL, keeps the token out of the address bar, and lists runs newest first', async () => {
    const { page, errors } = await openDashboard();
    expect(page.url()).not.toContain('token=');
    // Its icon is inline (no request for /favicon.ico, which the server does not have).
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).sessionStorage.getItem('mminions.token'))).toBe(
      h.server.token,
    );
    const items = page.getByRole('list', { name: 'Runs' }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(3);
    const texts = await items.allInnerTexts();
    expect(texts[0]).toContain(LIVE_RUN);
    expect(texts[0]).toContain('running');
    expect(texts[1]).toContain(NEEDS_HUMAN_RUN);
    expect(texts[1]).toContain('needs a person');
    expect(texts[2]).toContain(DONE_RUN);
    expect(texts[2]).toMatch(/done[\s\S]*decision: ok/);
    await screenshot(page, 'runs-list');
    // A reload has no token in its URL any more: the page keeps it for the session.
    await page.reload();
    await expect.poll(() => items.count()).toBe(3);
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });

  it('shows a finished run in every tab: progress, repro, hypotheses, metrics and the report', async () => {
    const { page, errors } = await openDashboard();
    await page.getByRole('link', { name: /median\(\) raises IndexError/ }).click();
    for (const name of ['Overview', 'Workers', 'Repro', 'Hypotheses', 'Metrics', 'Report'])
      await expect.poll(() => tab(page, name).count()).toBe(1);
    expect(await tab(page, 'Overview').getAttribute('aria-selected')).toBe('true');
    const phases = page.getByRole('list', { name: 'Phases' });
    await expect.poll(() => phases.innerText()).toMatch(/Triage\s*done · 53 s[\s\S]*Decision\s*ok/);
    await page.getByRole('log', { name: 'Run events' }).getByText('Run finished: ok').waitFor();
    await screenshot(page, 'run-overview');

    await page.keyboard.press('3');
    expect(await tab(page, 'Repro').getAttribute('aria-selected')).toBe('true');
    const chosen = page.getByRole('article', { name: 'Candidate median-empty from w1' });
    await expect.poll(() => chosen.innerText()).toMatch(/chosen[\s\S]*3 of 3 runs[\s\S]*Accepted/);
    const rejected = page.getByRole('article', { name: 'Candidate median-syntax from w2' });
    expect(await rejected.innerText()).toMatch(/1 of 3 runs[\s\S]*Rejected: matched only 1 of 3 runs/);
    expect((await page.getByLabel('Minimal repro script').innerText()).trimEnd()).toBe(MINIMAL_SCRIPT.trimEnd());
    expect(await page.locator('.repro .counts').innerText()).toMatch(
      /original\s*12 lines[\s\S]*after LLM\s*5 lines[\s\S]*final\s*2 lines[\s\S]*removed\s*83%/,
    );
    await page.getByRole('button', { name: 'Copy repro' }).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as PageWindow).navigator.clipboard.readText()))
      .toBe(MINIMAL_SCRIPT);
    await page.getByRole('button', { name: 'Copy oracle command' }).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as PageWindow).navigator.clipboard.readText()))
      .toMatch(/^python3 \/.*\/repro\/minimal_repro\.py$/);
    await screenshot(page, 'run-repro');

    await tab(page, 'Hypotheses').click();
    const first = page.getByRole('article', { name: 'Hypothesis 1' });
    const text = await first.innerText();
    expect(text).toMatch(/#1[\s\S]*w3\/h-empty-mid[\s\S]*score 0\.87/);
    expect(text).toContain('statsmini/core.py:21');
    expect(text).toContain('return (data[mid - 1] + data[mid]) / 2');
    expect(text).toMatch(/DISCONFIRMING CHECKS[\s\S]*median\(\[\]\) raises ValueError after the fix/i);
    expect(await first.getByRole('meter', { name: 'Confidence' }).getAttribute('value')).toBe('0.8');
    expect(await page.getByRole('article', { name: 'Hypothesis 2' }).innerText()).toContain('statsmini/core.py:17');
    await screenshot(page, 'run-hypotheses');

    // A run from before the fix phase existed: the Fix tab says there was none.
    await page.keyboard.press('5');
    expect(await page.locator('.fix-headline').innerText()).toMatch(/No fix phase in this run/);

    await page.keyboard.press('6');
    for (const name of [
      'Tokens by worker',
      'Tokens by phase',
      'Timeline of workers across phases',
      'Reduction from 12 to 2 lines',
    ]) {
      await page.getByRole('img', { name }).waitFor();
    }
    const workerTable = page.getByRole('table', { name: 'Tokens by worker' });
    expect(await workerTable.getByRole('row', { name: /^w1 / }).innerText()).toMatch(/12000\s+30000\s+2100/);
    expect(await page.getByRole('img', { name: 'Timeline of workers across phases' }).locator('rect.seg-timeout').count()).toBe(
      1,
    );
    await screenshot(page, 'run-metrics');

    await tab(page, 'Report').click();
    const report = page.getByRole('article', { name: 'Final report' });
    await report.getByRole('heading', { name: 'median() raises IndexError on an empty list' }).waitFor();
    expect(await report.innerText()).toContain('<script>window.__pwned = true</script>');
    expect(await report.locator('script, img').count()).toBe(0);
    expect(await report.getByRole('link', { name: 'the issue' }).getAttribute('target')).toBe('_blank');
    expect(await report.getByRole('link', { name: 'bad link' }).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    await screenshot(page, 'run-report');

    // An ended worker's terminal shows its saved last output.
    await tab(page, 'Workers').click();
    expect(await page.getByRole('region', { name: 'Terminal w1' }).count()).toBe(0);
    await page.getByRole('article', { name: 'Worker w1' }).getByRole('button', { name: 'Show terminal' }).click();
    const region = page.getByRole('region', { name: 'Terminal w1' });
    await region.getByText('session ended').waitFor();
    await expect.poll(() => terminalText(page, 'w1')).toContain('SAVED-PANE-OF-W1');
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });

  it('attaches to a live worker terminal: output, typing, read-only, search, resize and the follow-up box', async () => {
    const { page, errors } = await openDashboard(`#/runs/${LIVE_RUN}/workers`);
    const region = page.getByRole('region', { name: 'Terminal w1' });
    await region.getByText('attached').waitFor();
    await page.getByRole('region', { name: 'Terminal manager' }).getByText('attached').waitFor();
    await expect.poll(() => terminalText(page, 'w1'), { timeout: 30_000 }).toContain('WORKER-W1-READY');

    // Typing reaches the session, and its output comes back.
    await region.locator('.xterm').click();
    await page.keyboard.type('echo hi-from-$((40+2))');
    await page.keyboard.press('Enter');
    await expect.poll(() => terminalText(page, 'w1'), { timeout: 30_000 }).toMatch(/^hi-from-42$/m);
    expect(await paneText(live.w1Session)).toMatch(/^hi-from-42$/m);
    // The focused terminal asks for WebGL; without a GPU it falls back to the DOM renderer.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__mminionsTerminals?.renderer('w1'))).toMatch(
      /^(webgl|dom)$/,
    );
    console.log(
      `[e2e] w1 renderer: ${await page.evaluate(() => (globalThis as unknown as PageGlobals).__mminionsTerminals?.renderer('w1'))}, manager: ${await page.evaluate(() => (globalThis as unknown as PageGlobals).__mminionsTerminals?.renderer('manager'))}`,
    );

    // Read-only: reconnects in ro mode; keys no longer reach the session.
    await region.getByRole('checkbox', { name: 'Read-only w1' }).check();
    await region.getByText(/^attached · read-only/).waitFor();
    await region.locator('.xterm').click();
    await page.keyboard.type('echo must-not-arrive');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(800);
    expect(await paneText(live.w1Session)).not.toContain('must-not-arrive');
    await region.getByRole('checkbox', { name: 'Read-only w1' }).uncheck();
    await region.getByText(/^attached( · webgl)?$/).waitFor();

    // `/` searches the focused terminal.
    await page.getByRole('heading', { name: 'Terminals' }).click();
    await page.keyboard.press('/');
    const find = page.getByRole('searchbox', { name: 'Find in terminal w1' });
    await expect
      .poll(() => find.evaluate((el) => el === (globalThis as unknown as PageWindow).document.activeElement))
      .toBe(true);
    await find.fill('hi-from-42');
    await find.press('Enter');
    await expect.poll(() => terminalSelection(page, 'w1')).toBe('hi-from-42');
    await find.fill('no-such-text-anywhere');
    await find.press('Enter');
    await region.getByText('no match').waitFor();
    await find.press('Escape');
    expect(await find.count()).toBe(0);

    // The follow-up box: this fixture run has no manager, so nothing can be delivered, and the box says so
    // (a real follow-up is in e2e/fullRun.test.ts); nothing is typed into the pane.
    const box = page.getByRole('textbox', { name: 'Follow-up to w1' });
    await box.fill('echo via-send-box');
    await box.press('Enter');
    await page
      .getByRole('article', { name: 'Worker w1' })
      .getByText(/is not running: its manager has ended/)
      .waitFor();
    expect(await paneText(live.w1Session)).not.toContain('via-send-box');
    await box.fill('x'.repeat(4001));
    await box.press('Enter');
    await page.getByText('4000 characters at most').waitFor();
    await screenshot(page, 'run-workers-live');

    // The terminal follows its pane (here the grid drops to one column, so the pane widens), and tmux follows.
    const before = (await terminalSize(page, 'w1'))!;
    await page.setViewportSize({ width: 1000, height: 900 });
    await expect.poll(async () => (await terminalSize(page, 'w1'))!.cols).not.toBe(before.cols);
    const { execa } = await import('execa');
    const tmuxWidth = async () =>
      Number(
        (
          await execa('tmux', [...h.tmux.baseArgs(), 'display-message', '-p', '-t', `=${live.w1Session}:`, '#{window_width}'])
        ).stdout.trim(),
      );
    // Compared within the poll: the layout may settle in more than one step.
    await expect.poll(async () => (await tmuxWidth()) === (await terminalSize(page, 'w1'))!.cols).toBe(true);
    expect((await terminalSize(page, 'w1'))!.cols).not.toBe(before.cols);
    // The refused follow-up above is the one error expected (409 from /send).
    expect(unexpectedErrors(errors).filter((e) => !/\/send$|status of 409/.test(e))).toEqual([]);
    await page.close();
  });

  it('follows a live run without reloading: new events, worker status and phases', async () => {
    const { page, errors } = await openDashboard(`#/runs/${LIVE_RUN}/overview`);
    const log = page.getByRole('log', { name: 'Run events' });
    await log.getByText('w1 (REPRO_BUILDER) running').waitFor();
    const sessions = (await readJson(live.paths.sessions, SessionsFile))!;
    sessions.workers[1]!.status = 'running';
    sessions.workers[1]!.started_at = new Date().toISOString();
    await writeJsonAtomic(live.paths.sessions, sessions);
    await appendEvent(live.paths.events, {
      type: 'worker_status',
      worker: 'w2',
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'running',
      detail: null,
      invocation: 'repro-w2',
    });
    await appendEvent(live.paths.events, { type: 'worker_stalled', worker: 'w2', action: 'nudge', idle_sec: 120 });
    await log.getByText('w2 stalled for 120 s: nudge').waitFor();
    await expect.poll(() => page.locator('.counts').first().innerText()).toMatch(/2\s*active/);
    await appendEvent(live.paths.events, { type: 'phase_finished', phase: 'repro', seconds: 31 });
    await appendEvent(live.paths.events, { type: 'phase_started', phase: 'validation' });
    await expect
      .poll(() => page.getByRole('list', { name: 'Phases' }).innerText())
      .toMatch(/Repro\s*done · 31 s\s*Validation\s*in progress/);
    await screenshot(page, 'run-overview-live');
    // A run whose commands ran without the sandbox says so, loudly, as soon as the manager tells.
    expect(await page.getByRole('alert', { name: 'Unsandboxed run' }).count()).toBe(0);
    await appendEvent(live.paths.events, {
      type: 'sandbox',
      kind: 'none',
      mode: 'auto',
      summary: 'UNSANDBOXED: bubblewrap (bwrap) is not installed',
    });
    await expect
      .poll(() => page.getByRole('alert', { name: 'Unsandboxed run' }).innerText())
      .toMatch(/Unsandboxed:.*bubblewrap \(bwrap\) is not installed/s);
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });

  it('stops a run only after confirmation', async () => {
    const { page, errors } = await openDashboard(`#/runs/${LIVE_RUN}/overview`);
    const stop = page.getByRole('button', { name: 'Stop run', exact: true });
    await stop.click();
    const dialog = page.getByRole('dialog', { name: 'Stop this run?' });
    await dialog.waitFor();
    await screenshot(page, 'stop-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await h.tmux.listSessions()).has(live.managerSession)).toBe(true);

    await stop.click();
    await dialog.getByRole('button', { name: 'Stop the run' }).click();
    await expect.poll(() => page.locator('.run-header .badge').innerText()).toBe('stopped');
    expect(await stop.count()).toBe(0);
    const left = [...(await h.tmux.listSessions())].filter((s) => s.includes(LIVE_RUN));
    expect(left).toEqual([]);
    await expect
      .poll(() => page.getByRole('list', { name: 'Runs' }).getByRole('listitem').first().innerText())
      .toMatch(/stopped/);
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });

  it('explains bad input next to each field before anything is sent, and shows server errors', async () => {
    const { page, errors } = await openDashboard();
    const runsBefore = (await h.store.list()).length;
    await page.keyboard.press('n');
    const url = page.getByRole('textbox', { name: 'Issue URL' });
    const repo = page.getByRole('textbox', { name: 'Repository path' });
    const workers = page.getByRole('spinbutton', { name: 'Workers', exact: true });
    await url.waitFor();
    await repo.fill('');
    await workers.fill('9');
    await page.getByRole('button', { name: 'Start run' }).click();
    const describedBy = async (el: typeof url) => {
      const ids = ((await el.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
      return (await Promise.all(ids.map((id) => page.locator(`#${id}`).innerText()))).join(' | ');
    };
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    // The API's own checks (common/api.ts), beside each field, before anything is sent.
    expect(await describedBy(url)).toContain('give exactly one issue source');
    expect(await describedBy(repo)).toContain('must not be empty');
    expect(await describedBy(workers)).toContain('expected an integer 1..6');
    await expect.poll(() => url.evaluate((el) => el === (globalThis as unknown as PageWindow).document.activeElement)).toBe(true);
    await url.fill('https://github.com/acme/statsmini/pull/3');
    await repo.fill('relative/path');
    await page.getByRole('button', { name: 'Start run' }).click();
    expect(await describedBy(url)).toContain('expected the URL of an issue');
    expect(await describedBy(repo)).toContain('expected an absolute path');
    await screenshot(page, 'new-run-errors');
    expect((await h.store.list()).length).toBe(runsBefore);
    expect(unexpectedErrors(errors)).toEqual([]);

    // Input that looks right but the server refuses: its message lands next to the field.
    await url.fill('https://github.com/acme/statsmini/issues/3');
    await repo.fill('/no/such/repository');
    await workers.fill('2');
    await page.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => describedBy(repo)).toContain('/no/such/repository does not exist');
    expect((await h.store.list()).length).toBe(runsBefore);
    await page.close();
  });

  it('has help, keyboard tabs and a dark theme', async () => {
    const { page, errors } = await openDashboard(`#/runs/${DONE_RUN}/overview`, { colorScheme: 'dark' });
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.dataset.theme)).toBe('dark');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    await page.keyboard.press('4');
    expect(await tab(page, 'Hypotheses').getAttribute('aria-selected')).toBe('true');
    await tab(page, 'Hypotheses').focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab(page, 'Fix').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await tab(page, 'Metrics').getAttribute('aria-selected')).toBe('true');
    await page.getByRole('img', { name: 'Tokens by worker' }).waitFor();
    await screenshot(page, 'run-metrics-dark');
    await page.getByRole('button', { name: 'Theme: system' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.dataset.theme)).toBe('light');
    await page.getByRole('button', { name: 'Theme: light' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Theme: dark' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.dataset.theme)).toBe('dark');
    await tab(page, 'Overview').click();
    await screenshot(page, 'run-overview-dark');
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });
});
