// renderLaunchScript: executed for real with a fake codex; hostile paths stay inert; CODEX's exit code is recorded.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLaunchScript, stderrFileFor } from './launchScript';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mm-launch-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs a script with bash; stdin stays an open pipe that is never written, to prove the script never reads it. */
function runScript(path: string, timeoutMs = 10_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function setup(dirName: string) {
  const dir = join(root, dirName);
  await mkdir(dir, { recursive: true });
  const worktree = join(dir, 'work tree');
  await mkdir(worktree);
  const files = {
    promptFile: join(dir, 'prompt $(x).txt'),
    telemetryFile: join(dir, 'tele`id`.jsonl'),
    outputFile: join(dir, "out'put.txt"),
    exitCodeFile: join(dir, 'exit;code.exit'),
    worktree,
  };
  await writeFile(files.promptFile, 'ROLE: REPRO_BUILDER\nWORKER: w1\n');
  return { dir, files, script: join(dir, 'launch.sh') };
}

describe('renderLaunchScript', () => {
  it('records the exit code of codex, not of the renderer, and tees its stdout to telemetry', async () => {
    const { files, script } = await setup('exit3');
    const text = renderLaunchScript({
      ...files,
      codex: { command: 'sh', args: ['-c', 'echo \'{"type":"turn.started"}\'; exit 3'], resumeArgs: [], env: {} },
      renderCommand: ['cat'],
      pidFile: join(dirname(files.exitCodeFile), 'launch.pid'),
    });
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toContain('set -u');
    await writeFile(script, text, { mode: 0o755 });
    const res = await runScript(script);
    expect(res.code).toBe(3);
    expect(await readFile(files.exitCodeFile, 'utf8')).toBe('3\n');
    expect(await readFile(files.telemetryFile, 'utf8')).toBe('{"type":"turn.started"}\n');
    expect(res.out).toContain('{"type":"turn.started"}'); // rendered (cat) into the pane
    expect(res.out.trimEnd().endsWith('[mminions] codex exited with 3')).toBe(true);
    expect(await readFile(join(dirname(files.exitCodeFile), 'launch.pid'), 'utf8')).toMatch(/^[1-9]\d*\n$/);
  });

  it('feeds the prompt file on stdin, runs in the worktree with the env, and shows stderr on failure; hostile values stay inert', async () => {
    const { dir, files, script } = await setup("hostile '$(touch PWNED)' `touch PWNED2`; dir");
    const text = renderLaunchScript({
      ...files,
      codex: {
        command: 'sh',
        args: ['-c', 'cat; pwd; printf "%s\\n" "$MM_VALUE"; echo "boom on stderr" >&2; exit 5', '$(touch PWNED3)'],
        resumeArgs: [],
        env: { MM_VALUE: "it's $(touch PWNED4) `x`" },
      },
      // A renderer that fails at once: codex must still run to the end (the rest is drained).
      renderCommand: ['false', "'; touch PWNED5; '"],
      invocation: 'repro-w1',
    });
    await writeFile(script, text, { mode: 0o755 });
    const res = await runScript(script);
    expect(res.code).toBe(5);
    expect(await readFile(files.exitCodeFile, 'utf8')).toBe('5\n');
    expect(await readFile(files.telemetryFile, 'utf8')).toBe(
      `ROLE: REPRO_BUILDER\nWORKER: w1\n${files.worktree}\nit's $(touch PWNED4) \`x\`\n`,
    );
    expect(await readFile(stderrFileFor(files.telemetryFile), 'utf8')).toBe('boom on stderr\n');
    expect(res.out).toContain('[mminions] codex stderr (last lines):\nboom on stderr');
    for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4', 'PWNED5']) {
      expect(existsSync(join(dir, f))).toBe(false);
      expect(existsSync(join(files.worktree, f))).toBe(false);
    }
    expect((await readdir(dir)).filter((n) => n.includes('.tmp.'))).toEqual([]);
  });

  it('replaces a stale exit-code file and records 127 when codex cannot be found', async () => {
    const { files, script } = await setup('missing');
    await writeFile(files.exitCodeFile, '0\n');
    await writeFile(
      script,
      renderLaunchScript({
        ...files,
        codex: { command: '/nonexistent/codex', args: ['exec'], resumeArgs: [], env: {} },
        renderCommand: [],
      }),
    );
    const res = await runScript(script);
    expect(res.code).toBe(127);
    expect(await readFile(files.exitCodeFile, 'utf8')).toBe('127\n');
  });

  it('rejects relative paths and bad environment names', () => {
    const base = {
      promptFile: '/p',
      telemetryFile: '/t.jsonl',
      outputFile: '/o',
      exitCodeFile: '/e',
      worktree: '/w',
      renderCommand: [],
    };
    expect(() =>
      renderLaunchScript({ ...base, worktree: 'rel', codex: { command: 'codex', args: [], resumeArgs: [], env: {} } }),
    ).toThrow(/worktree must be an absolute path/);
    expect(() =>
      renderLaunchScript({ ...base, codex: { command: 'codex', args: [], resumeArgs: [], env: { 'A;B': '1' } } }),
    ).toThrow(/invalid environment variable name/);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(path)) return readFile(path, 'utf8');
    await sleep(50);
  }
  throw new Error(`${path} did not appear`);
}

describe('follow-ups', () => {
  it('stays after the first turn; each follow-up file resumes the thread as a new turn, its exit code recorded per turn', async () => {
    const { dir, files, script } = await setup('followups');
    const followup = {
      file: join(dir, 'w1.followup'),
      codexPidFile: join(dir, 'w1.codex.pid'),
      turnExitPrefix: join(dir, 'w1.turn'),
    };
    // A fake codex: the first turn starts a thread; a resumed one prints the thread id it got and its stdin.
    const text = renderLaunchScript({
      ...files,
      followup,
      codex: {
        command: 'sh',
        args: ['-c', 'echo \'{"type":"thread.started","thread_id":"0199-ab-c"}\'; exit 0'],
        resumeArgs: ['-c', 'echo "{\\"resumed\\":\\"$0\\",\\"stdin\\":\\"$1\\"}"; cat; exit 4'],
        env: {},
      },
      renderCommand: ['cat'],
    });
    await writeFile(script, text, { mode: 0o755 });
    const child = spawn('bash', [script], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      expect(await waitForFile(`${followup.turnExitPrefix}1.exit`)).toBe('0\n');
      expect(await readFile(files.exitCodeFile, 'utf8')).toBe('0\n');
      expect(await readFile(followup.codexPidFile, 'utf8')).toMatch(/^[1-9]\d*\n$/);
      await sleep(300);
      expect(child.exitCode).toBeNull(); // still there, waiting for a follow-up
      await writeFile(followup.file, 'use an empty signal\n');
      expect(await waitForFile(`${followup.turnExitPrefix}2.exit`)).toBe('4\n');
      expect(await readFile(files.exitCodeFile, 'utf8')).toBe('4\n');
      // The same telemetry file, appended: the thread id reached `resume`, the follow-up its stdin.
      expect(await readFile(files.telemetryFile, 'utf8')).toBe(
        '{"type":"thread.started","thread_id":"0199-ab-c"}\n{"resumed":"0199-ab-c","stdin":"-"}\nuse an empty signal\n',
      );
      expect(existsSync(followup.file)).toBe(false);
      expect(await readFile(`${followup.file}.turn2.txt`, 'utf8')).toBe('use an empty signal\n');
      expect(out).toContain('[mminions] follow-up (turn 2): use an empty signal');
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }
  });

  it('a SIGINT to codex (its pid file) ends the running turn, whose exit code is still recorded', async () => {
    const { dir, files, script } = await setup('interrupt');
    const followup = { file: join(dir, 'f'), codexPidFile: join(dir, 'codex.pid'), turnExitPrefix: join(dir, 'turn') };
    const text = renderLaunchScript({
      ...files,
      followup,
      codex: {
        command: 'bash',
        args: ['-c', 'trap \'exit 130\' INT; echo \'{"type":"thread.started","thread_id":"t1"}\'; while :; do sleep 0.05; done'],
        resumeArgs: ['-c', 'echo resumed; exit 0'],
        env: {},
      },
      renderCommand: ['cat'],
    });
    await writeFile(script, text, { mode: 0o755 });
    const child = spawn('bash', [script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    try {
      const pid = Number((await waitForFile(followup.codexPidFile)).trim());
      await sleep(200);
      await writeFile(followup.file, 'stop that, try this\n');
      process.kill(pid, 'SIGINT');
      expect(await waitForFile(`${followup.turnExitPrefix}1.exit`)).toBe('130\n');
      expect(await waitForFile(`${followup.turnExitPrefix}2.exit`)).toBe('0\n');
      expect(child.exitCode).toBeNull();
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }
  });
});
