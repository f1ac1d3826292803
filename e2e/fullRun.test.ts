// Full runs from the dashboard: the real server, manager, codex (scripted model), tmux and git, watched in Chromium.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closePages, launchChromium, openPage, screenshot, terminalText, unexpectedErrors } from './support/dashboard';
import { ISSUE_URL, startFullRunSetup, type FullRunSetup } from './support/fullRunSetup';

let s: FullRunSetup;
let browser: Browser;

beforeAll(async () => {
  s = await startFullRunSetup({
    replyDelayMs: 8000,
    triageDelayMs: 6000,
    fixDelayMs: 5000,
    tmuxSocket: `mme2efull-${process.pid}-${randomBytes(3).toString('hex')}`,
  });
  browser = await launchChromium();
}, 90_000);
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });
const runIdOf = (page: Page) => /#\/runs\/([^/]+)\//.exec(page.url())?.[1] ?? null;

async function startFromForm(page: Page): Promise<string> {
  await page.goto(s.server.pageUrl);
  await page.getByRole('heading', { name: 'Bug reproduction, triage and fixing' }).waitFor();
  await page.keyboard.press('n');
  await page.getByRole('textbox', { name: 'Issue URL' }).fill(ISSUE_URL);
  await page.getByRole('textbox', { name: 'Repository path' }).fill(s.repo);
  await page.getByRole('spinbutton', { name: 'Workers', exact: true }).fill('2');
  await page.getByRole('button', { name: 'Start run' }).click();
  await expect.poll(() => runIdOf(page), { timeout: 15_000 }).toMatch(/^run-/);
  return runIdOf(page)!;
}

describe('full runs', () => {
  it('starts a run from the form and follows it to ranked hypotheses and metrics', async () => {
    const { page, errors } = await openPage(browser);
    const runId = await startFromForm(page);
    await expect
      .poll(() => page.getByRole('list', { name: 'Runs' }).innerText(), { timeout: 15_000 })
      .toContain('convolve reports the wrong argument as empty');
    await expect
      .poll(() => page.getByRole('list', { name: 'Phases' }).innerText(), { timeout: 30_000 })
      .toMatch(/Repro\s*in progress/);
    await screenshot(page, 'full-run-overview-running');

    // Workers appear, their terminals attach and show live output; typing is echoed by the pane.
    await tab(page, 'Workers').click();
    const w1 = page.getByRole('article', { name: 'Worker w1' });
    await w1.getByText('running').waitFor({ timeout: 30_000 });
    const term = page.getByRole('region', { name: 'Terminal w1' });
    await term.getByText(/^attached/).waitFor({ timeout: 15_000 });
    // The worker's codex prints its steps as they happen; after a command it waits for the (slowed) model,
    // so what is typed now is echoed without interleaved output.
    await expect
      .poll(() => terminalText(page, 'w1'), { timeout: 45_000 })
      .toMatch(/\$ .*grep -rn 'cannot be empty' statsmini.* → exit 0/);
    await term.locator('.xterm').click();
    await page.keyboard.type('typed-into-w1');
    await expect.poll(() => terminalText(page, 'w1'), { timeout: 30_000 }).toContain('typed-into-w1');
    await page
      .getByRole('region', { name: 'Terminal w2' })
      .getByText(/^attached/)
      .waitFor();
    // The follow-up box reaches w1's agent: its running turn is interrupted and the thread resumed
    // with the text (the scenario scripts its answer); the pane shows the new turn, the card lists it.
    const box = page.getByRole('textbox', { name: 'Follow-up to w1' });
    await box.fill('Keep only the call that fails, please.');
    await box.press('Enter');
    await w1.getByText("Sent to w1's agent as a follow-up.").waitFor({ timeout: 30_000 });
    await expect.poll(() => terminalText(page, 'w1'), { timeout: 30_000 }).toContain('[mminions] follow-up (turn 2)');
    await page.getByRole('list', { name: 'Follow-ups to w1' }).getByText('Keep only the call that fails').waitFor();
    await screenshot(page, 'full-run-workers');

    // While triage still runs, the Repro tab already shows the chosen candidate and its reduction.
    await tab(page, 'Repro').click();
    const chosenNow = page.locator('article.candidate.is-chosen');
    await expect.poll(() => chosenNow.count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(() => page.locator('.repro dl.counts').innerText(), { timeout: 60_000 }).toMatch(/final\s*\d+ lines/);
    expect(await page.getByLabel('Minimal repro script').innerText()).toContain('convolve');
    expect(await page.locator('.run-header .badge').innerText()).toBe('running');
    expect((await s.server.services.status.status(runId)).run_done).toEqual({});

    // The fix phase: the Overview shows it in progress, the Fix tab the fixers' patches as they come.
    await tab(page, 'Overview').click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Phases' }).innerText(), { timeout: 90_000, interval: 250 })
      .toMatch(/Fix\s*in progress/);
    await tab(page, 'Fix').click();
    expect(await page.locator('.fix-headline').innerText()).toMatch(/No fixes yet|Verifying/);
    await screenshot(page, 'full-run-fix-running');

    // The run ends by itself.
    await expect.poll(() => page.locator('.run-header .badge').innerText(), { timeout: 150_000, interval: 500 }).toBe('done');
    await tab(page, 'Overview').click();
    await expect.poll(() => page.getByRole('list', { name: 'Phases' }).innerText()).toMatch(/Decision\s*ok/);
    await screenshot(page, 'full-run-overview-done');

    await tab(page, 'Repro').click();
    const chosen = page.locator('article.candidate.is-chosen');
    await expect.poll(() => chosen.count()).toBe(1);
    expect(await chosen.innerText()).toMatch(/chosen[\s\S]*3 of 3 runs[\s\S]*Accepted/);
    expect(await page.getByLabel('Minimal repro script').innerText()).toContain('convolve');
    await screenshot(page, 'full-run-repro');

    await tab(page, 'Hypotheses').click();
    await expect.poll(() => page.getByRole('article', { name: /^Hypothesis \d+$/ }).count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('article', { name: 'Hypothesis 1' }).innerText()).toMatch(/statsmini\/core\.py:\d+/);
    expect(await page.getByRole('article', { name: 'Hypothesis 1' }).innerText()).toContain('confirmed by fix');
    await screenshot(page, 'full-run-hypotheses');

    // The Fix tab: the verified fix first with its rendered diff, the rejected one with its reason, the grid.
    await tab(page, 'Fix').click();
    await expect
      .poll(() => page.locator('.fix-headline').innerText())
      .toMatch(/Verified fix: w5-checks-first — the bug is fail-to-pass proven/);
    const best = page.getByRole('article', { name: 'Fix w5-checks-first' });
    expect(await best.innerText()).toMatch(/best[\s\S]*verified/);
    expect(await best.locator('.d2h-file-wrapper').count()).toBe(1);
    expect(await best.locator('.diff').innerText()).toContain('raise ValueError("signal cannot be empty")');
    await best.getByRole('button', { name: 'Copy verified patch' }).waitFor();
    const wrong = page.getByRole('article', { name: 'Fix w6-swap-ties' });
    expect(await wrong.innerText()).toMatch(/rejected[\s\S]*still fails/);
    const grid = page.getByRole('table', { name: 'Verification grid' });
    expect(await grid.innerText()).toMatch(/minimal repro\s+fails 3\/3\s+fixed 3\/3\s+still fails/);
    await screenshot(page, 'full-run-fix');

    await tab(page, 'Metrics').click();
    const byWorker = page.getByRole('table', { name: 'Tokens by worker' });
    await expect.poll(() => byWorker.getByRole('row').count()).toBe(8); // header, manager (reducer), w1..w6
    await page.getByRole('img', { name: /^Reduction from \d+ to \d+ lines$/ }).waitFor();
    expect(await page.getByRole('img', { name: 'Timeline of workers across phases' }).locator('rect.seg-finished').count()).toBe(
      6,
    );
    await screenshot(page, 'full-run-metrics');

    await tab(page, 'Report').click();
    await page.getByRole('article', { name: 'Final report' }).getByRole('heading').first().waitFor();
    await screenshot(page, 'full-run-report');
    expect((await s.server.services.status.status(runId)).run_state).toBe('done');
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  }, 240_000);

  it('stops a second run from the dashboard', async () => {
    const { page, errors } = await openPage(browser);
    const runId = await startFromForm(page);
    await tab(page, 'Workers').click();
    await page.getByRole('article', { name: 'Worker w1' }).getByText('running').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop run', exact: true }).click();
    await page.getByRole('dialog', { name: 'Stop this run?' }).getByRole('button', { name: 'Stop the run' }).click();
    await expect.poll(() => page.locator('.run-header .badge').innerText(), { timeout: 30_000 }).toBe('stopped');
    // The badge can show stopped (run_done written) a moment before the manager's own session ends.
    await expect.poll(async () => [...(await s.tmux.listSessions())].filter((x) => x.includes(runId))).toEqual([]);
    await expect
      .poll(() => page.getByRole('list', { name: 'Runs' }).getByRole('listitem').first().innerText())
      .toMatch(/stopped/);
    await screenshot(page, 'full-run-stopped');
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  }, 120_000);
});
