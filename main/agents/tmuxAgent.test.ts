// Workers in tmux: real codex against the scripted model in a private tmux server; the exit-code file wait.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN, makeCodexHome, type CodexHome } from '../../testkit/codexHome';
import { startTestModel, type TestModel } from '../../testkit/scriptedModel';
import { privateTmux } from '../../testkit/tmux';
import { selfCommand } from '../cli/self';
import { buildConfig, type Config } from '../config/config';
import { RunStore, type RunPaths } from '../runs/runStore';
import { sessionName } from '../tmux/tmux';
import type { AgentInvocation } from './agent';
import { parseAgentAnswer } from './answers';
import { writeOutputSchema } from './outputSchemas';
import { summarizeTelemetry } from './telemetry';
import { collectTmuxAgent, startTmuxAgent, stopTmuxAgent, waitForExitFile } from './tmuxAgent';
import { liveInGroup } from '../../testkit/processes';

const TRIAGE_USAGE = { input_tokens: 900, cached_input_tokens: 100, output_tokens: 120 };
const HYPOTHESES = {
  hypotheses: [
    {
      hypothesis_id: 'w1-h1',
      mechanism: 'median indexes an empty list',
      evidence: [{ file: 'README.md', line: 1, snippet: 'sample' }],
      confidence: 0.8,
      disconfirming_checks: ['call median([1])'],
    },
  ],
};

// The pane renders events with the built CLI's `mminions render-events` (npm test builds first).
const RENDER = [...selfCommand(), 'render-events'];

const tmux = privateTmux();
let home: CodexHome;
let model: TestModel;
let root: string;
let worktree: string;
let paths: RunPaths;
let config: Config;

beforeAll(async () => {
  home = await makeCodexHome();
  model = await startTestModel({
    agents: [
      { role: 'TRIAGER', worker: 'w1', usage: TRIAGE_USAGE, steps: [{ message: JSON.stringify(HYPOTHESES) }] },
      { role: 'TRIAGER', worker: 'w2', hang: true },
    ],
  });
  root = await mkdtemp(join(tmpdir(), 'mm-tmuxagent-'));
  worktree = join(root, 'repo');
  execFileSync('git', ['init', '-q', worktree], { timeout: 10_000 });
  await writeFile(join(worktree, 'README.md'), 'sample\n');
  paths = (await new RunStore(join(root, 'runs')).create('run-tmux')).paths;
  config = buildConfig(
    { codex: { command: CODEX_BIN, home: home.dir, config: model.codexConfig } },
    { file: null, env: {}, cwd: root, overrides: {} },
  );
});

afterAll(async () => {
  await tmux.killServer();
  await model?.close();
  await home?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

function triage(workerId: string): AgentInvocation {
  return {
    invocation: `triage-${workerId}`,
    role: 'TRIAGER',
    workerId,
    prompt: `ROLE: TRIAGER\nWORKER: ${workerId}\n\nFind the cause.\n`,
    worktree,
    model: 'scripted',
  };
}

async function paneUntil(session: string, needle: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let pane = '';
  while (Date.now() < deadline) {
    pane = await tmux.capturePane(session, 200);
    if (pane.includes(needle)) return pane;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pane;
}

describe('startTmuxAgent / collectTmuxAgent', () => {
  it('runs codex in a tmux session: exit file, pane, telemetry, output', async () => {
    const session = sessionName('run-tmux', 'w1');
    const schemaFile = await writeOutputSchema('TRIAGER', paths.metaDir);
    const handle = await startTmuxAgent(triage('w1'), {
      config,
      paths,
      tmux,
      sessionName: session,
      renderCommand: RENDER,
      schemaFile,
    });
    expect(handle.scriptPath).toBe(join(paths.scriptsDir, 'triage-w1.sh'));
    expect(handle.exitCodeFile).toBe(join(paths.scriptsDir, 'triage-w1.exit'));
    expect(await readFile(handle.scriptPath, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(await waitForExitFile(handle.exitCodeFile, { timeoutMs: 30_000 })).toBe(0);

    const pane = await paneUntil(session, '[mminions] codex exited with 0');
    expect(pane).toContain('[mminions] codex exited with 0');
    expect(pane).toMatch(/turn completed: \d+ input tokens/); // events reached the pane, rendered
    expect(pane).not.toContain('"type":"turn.completed"');

    const r = await collectTmuxAgent(handle);
    expect(r.status, r.diagnostics.join('\n')).toBe('finished');
    expect(r.exitCode).toBe(0);
    expect(r.usage).toEqual({ ...TRIAGE_USAGE, turns: 1 });
    expect(summarizeTelemetry(await readFile(handle.telemetryPath, 'utf8')).usage).toEqual(r.usage);
    expect(await readFile(handle.outputPath, 'utf8')).toBe(JSON.stringify(HYPOTHESES));
    const parsed = parseAgentAnswer('TRIAGER', r.rawOutput, r.invocation);
    expect(parsed.ok && parsed.value).toEqual(HYPOTHESES);
  });

  it('stopTmuxAgent ends a hanging agent: the whole process group and the session are gone', async () => {
    const session = sessionName('run-tmux', 'w2');
    const handle = await startTmuxAgent(triage('w2'), { config, paths, tmux, sessionName: session, renderCommand: RENDER });
    expect(await waitForExitFile(handle.exitCodeFile, { timeoutMs: 2_000 })).toBeNull();
    // The caller gave up before any exit code: timeout.
    const early = await collectTmuxAgent(handle, { timedOut: true });
    expect(early.status).toBe('timeout');
    expect(early.exitCode).toBeNull();
    expect(early.diagnostics[0]).toContain(session);

    const pgid = Number((await readFile(handle.pidFile, 'utf8')).trim());
    expect(liveInGroup(pgid).length).toBeGreaterThan(0);
    expect(await stopTmuxAgent(handle, tmux)).toBe(true);
    expect(liveInGroup(pgid)).toEqual([]); // nothing of the group survives
    expect(await tmux.hasSession(session)).toBe(false);
    const r = await collectTmuxAgent(handle);
    expect(r.status).toBe('failed');
    expect(r.rawOutput).toBe('');
    await stopTmuxAgent(handle, tmux); // idempotent
  });
});

describe('waitForExitFile', () => {
  it('notices the file as it appears (watch, not the slow poll), and reads the code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mm-exitwait-'));
    try {
      const file = join(dir, 'a.exit');
      const t0 = Date.now();
      const waiting = waitForExitFile(file, { pollMs: 60_000, timeoutMs: 20_000 });
      setTimeout(() => void writeFile(`${file}.tmp`, '7\n').then(() => rename(`${file}.tmp`, file)), 200);
      expect(await waiting).toBe(7);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves null on timeout and on abort; finds a file that is already there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mm-exitwait-'));
    try {
      expect(await waitForExitFile(join(dir, 'none.exit'), { timeoutMs: 300 })).toBeNull();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      expect(await waitForExitFile(join(dir, 'none.exit'), { signal: ac.signal })).toBeNull();
      expect(await waitForExitFile(join(dir, 'none.exit'), { signal: AbortSignal.abort() })).toBeNull();
      await writeFile(join(dir, 'there.exit'), '0\n');
      expect(await waitForExitFile(join(dir, 'there.exit'), { timeoutMs: 5_000 })).toBe(0);
      await writeFile(join(dir, 'bad.exit'), 'garbage');
      await expect(waitForExitFile(join(dir, 'bad.exit'), { timeoutMs: 5_000 })).rejects.toThrow(/not an exit code/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
