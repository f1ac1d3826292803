// runAgentDirect against the real codex and the scripted model: answers, usage, exec in the sandbox, timeouts, model errors.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_BIN, makeCodexHome, type CodexHome } from '../../testkit/codexHome';
import { startTestModel, type TestModel } from '../../testkit/scriptedModel';
import { buildConfig, type Config } from '../config/config';
import { RunStore, type RunPaths } from '../runs/runStore';
import type { AgentInvocation } from './agent';
import { parseAgentAnswer } from './answers';
import { runAgentDirect } from './runDirect';
import { summarizeTelemetry } from './telemetry';
import { liveInGroup } from '../../testkit/processes';

const REDUCER_USAGE = { input_tokens: 1500, cached_input_tokens: 300, output_tokens: 400 };
const EXEC_USAGE = { input_tokens: 700, cached_input_tokens: 0, output_tokens: 50 };

const scenario = {
  agents: [
    {
      role: 'REDUCER',
      worker: 'manager',
      usage: REDUCER_USAGE,
      steps: [{ message: '{"script": "import statsmini\\nstatsmini.median([])\\n"}' }],
    },
    {
      role: 'REPRO_BUILDER',
      worker: 'w1',
      usage: EXEC_USAGE,
      steps: [{ exec: 'printf made > made-by-agent.txt' }, { message: 'wrote it' }],
    },
    { role: 'REPRO_BUILDER', worker: 'w2', hang: true },
    { role: 'REPRO_BUILDER', worker: 'w3', steps: [{ message: 'I could not find the bug, sorry. {not json' }] },
  ],
};

let home: CodexHome;
let model: TestModel;
let root: string;
let worktree: string;
let paths: RunPaths;
let config: Config;

function inv(
  role: AgentInvocation['role'],
  workerId: string,
  invocation: string,
  sandbox?: AgentInvocation['sandbox'],
): AgentInvocation {
  return {
    invocation,
    role,
    workerId,
    prompt: `ROLE: ${role}\nWORKER: ${workerId}\n\nDo the thing.\n`,
    worktree,
    model: 'scripted',
    sandbox,
  };
}

beforeAll(async () => {
  home = await makeCodexHome();
  model = await startTestModel(scenario);
  root = await mkdtemp(join(tmpdir(), 'mm-direct-'));
  worktree = join(root, 'repo');
  execFileSync('git', ['init', '-q', worktree], { timeout: 10_000 });
  await writeFile(join(worktree, 'README.md'), 'sample\n');
  paths = (await new RunStore(join(root, 'runs')).create('run-direct')).paths;
  config = buildConfig(
    { codex: { command: CODEX_BIN, home: home.dir, config: model.codexConfig } },
    { file: null, env: {}, cwd: root, overrides: {} },
  );
});

afterAll(async () => {
  await model?.close();
  await home?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('runAgentDirect', () => {
  it('runs a message-only scenario: output file, usage, prompt and telemetry saved', async () => {
    const r = await runAgentDirect(inv('REDUCER', 'manager', 'reducer'), { config, paths, timeoutMs: 30_000 });
    expect(r.status, r.diagnostics.join('\n')).toBe('finished');
    expect(r.exitCode).toBe(0);
    expect(r.rawOutput).toBe('{"script": "import statsmini\\nstatsmini.median([])\\n"}');
    expect(await readFile(join(paths.agentsDir, 'reducer.out.txt'), 'utf8')).toBe(r.rawOutput);
    expect(r.outputPath).toBe(join(paths.agentsDir, 'reducer.out.txt'));
    expect(r.usage).toEqual({ ...REDUCER_USAGE, turns: 1 });
    expect(r.threadId).toMatch(/\S/);
    expect(await readFile(join(paths.promptsDir, 'reducer.txt'), 'utf8')).toMatch(/^ROLE: REDUCER\nWORKER: manager\n/);
    expect(summarizeTelemetry(await readFile(r.telemetryPath, 'utf8')).usage).toEqual(r.usage);
  });

  it('runs an exec step in a workspace-write sandbox: the file exists in the worktree, one command in telemetry', async () => {
    const r = await runAgentDirect(inv('REPRO_BUILDER', 'w1', 'repro-w1', 'workspace-write'), {
      config,
      paths,
      timeoutMs: 30_000,
    });
    expect(r.status, r.diagnostics.join('\n')).toBe('finished');
    expect(await readFile(join(worktree, 'made-by-agent.txt'), 'utf8')).toBe('made');
    expect(r.rawOutput).toBe('wrote it');
    const summary = summarizeTelemetry(await readFile(r.telemetryPath, 'utf8'));
    expect(summary.commands_run).toBe(1);
    // The scenario's usage is reported on each of the two model responses of the one turn.
    expect(r.usage).toEqual({
      input_tokens: 2 * EXEC_USAGE.input_tokens,
      cached_input_tokens: 0,
      output_tokens: 2 * EXEC_USAGE.output_tokens,
      turns: 1,
    });
  });

  it('times out a hanging model: status timeout, bounded, and nothing of the process group survives', async () => {
    let pgid = 0;
    const t0 = Date.now();
    const r = await runAgentDirect(inv('REPRO_BUILDER', 'w2', 'repro-w2'), {
      config,
      paths,
      timeoutMs: 3_000,
      onSpawn: (pid) => (pgid = pid),
    });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.status).toBe('timeout');
    expect(r.diagnostics[0]).toMatch(/did not finish within 3 s; its process group was killed/);
    expect(pgid).toBeGreaterThan(0);
    expect(liveInGroup(pgid)).toEqual([]); // no process of the group survives
    expect(r.rawOutput).toBe('');
    expect(existsSync(r.outputPath)).toBe(true);
  });

  it('cancels on abort: the group is killed and the result says so', async () => {
    const ac = new AbortController();
    let pgid = 0;
    const r = await runAgentDirect(inv('REPRO_BUILDER', 'w2', 'repro-w2-r2'), {
      config,
      paths,
      timeoutMs: 60_000,
      signal: ac.signal,
      onSpawn: (pid) => {
        pgid = pid;
        setTimeout(() => ac.abort(), 1_000);
      },
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics[0]).toMatch(/cancelled/);
    expect(liveInGroup(pgid)).toEqual([]);
  });

  it('keeps malformed output raw; parsing it names the invocation', async () => {
    const r = await runAgentDirect(inv('REPRO_BUILDER', 'w3', 'repro-w3'), { config, paths, timeoutMs: 30_000 });
    expect(r.status, r.diagnostics.join('\n')).toBe('finished');
    expect(r.rawOutput).toBe('I could not find the bug, sorry. {not json');
    const parsed = parseAgentAnswer('REPRO_BUILDER', r.rawOutput, r.invocation);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toContain('repro-w3');
    expect(parsed.error.raw).toBe(r.rawOutput);
  });

  it("reports the model server's error for an unknown role/worker", async () => {
    const r = await runAgentDirect(inv('TRIAGER', 'w9', 'triage-w9'), { config, paths, timeoutMs: 20_000 });
    expect(['failed', 'timeout']).toContain(r.status);
    const text = r.diagnostics.join('\n');
    expect(text).toContain('scripted model: no scenario entry for role=TRIAGER worker=w9');
  });

  it('fails clearly when the agent command cannot be started', async () => {
    const bad = { ...config, codex: { ...config.codex, command: join(root, 'no-such-codex') } };
    const r = await runAgentDirect(inv('REDUCER', 'manager', 'reducer-missing'), { config: bad, paths, timeoutMs: 10_000 });
    expect(r.status).toBe('failed');
    expect(r.exitCode).toBeNull();
    expect(r.diagnostics[0]).toMatch(/could not start .*no-such-codex.*ENOENT/);
  });
});
