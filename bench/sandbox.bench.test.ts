// The sandbox's cost per oracle run: the same command run through runUntrusted with bubblewrap and
// without (mode off), alternating, in one worktree. Target: median extra under 15 ms.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX, resolveSandbox, type Sandbox } from '../main/process/sandbox';
import { runUntrusted } from '../main/process/untrusted';
import { testSandbox } from '../testkit/sandbox';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const RUNS = FULL ? 100 : 8;
const TARGET_MS = 15;

let dir: string;
let worktree: string;
let python: string;
let contained: Sandbox;
let unsandboxed: Sandbox;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-bench-sandbox-'));
  const repo = join(dir, 'repo');
  await mkdir(repo, { recursive: true });
  await writeFile(join(repo, 'mod.py'), 'def f(xs):\n    return xs[0]\n');
  await execa('git', ['init', '-q'], { cwd: repo });
  await execa('git', ['add', '.'], { cwd: repo });
  await execa('git', ['-c', 'user.email=b@e', '-c', 'user.name=b', 'commit', '-qm', 'x'], { cwd: repo });
  worktree = join(dir, 'wt');
  await execa('git', ['worktree', 'add', '-q', '--detach', worktree], { cwd: repo });
  await writeFile(join(worktree, 'repro.py'), 'import mod\nmod.f([])\n');
  python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'])).stdout.trim();
  contained = await testSandbox({}, { repoPath: repo, runsRoot: join(dir, 'runs'), stateDir: join(dir, 'state') });
  unsandboxed = await resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'off' });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function time(sandbox: Sandbox, command: string): Promise<number> {
  const r = await runUntrusted(command, {
    sandbox,
    cwd: worktree,
    network: false,
    env: { PYTHONPATH: worktree },
    interpreters: [python],
    timeoutMs: 30_000,
  });
  if (r.exitCode === null) throw new Error(`the command did not run: ${r.output}`);
  return r.durationMs;
}

describe(`sandbox cost per oracle run (${MODE}: ${RUNS} runs each)`, () => {
  it('measures bubblewrap against the same command unsandboxed', async () => {
    const commands = {
      'true (the sandbox alone)': 'true',
      'python oracle (an IndexError in the repository)': `${python} repro.py`,
    };
    const rows: Array<Array<string | number>> = [];
    const results: Record<string, unknown> = {};
    for (const [name, command] of Object.entries(commands)) {
      await time(contained, command); // warm the page cache once for both
      const withBwrap: number[] = [];
      const without: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternate, so that a busy moment of the machine hits both alike.
        withBwrap.push(await time(contained, command));
        without.push(await time(unsandboxed, command));
      }
      const extra = withBwrap.map((v, i) => v - without[i]!);
      const med = percentile(extra, 50);
      rows.push([name, percentile(without, 50), percentile(withBwrap, 50), med, percentile(extra, 90)]);
      results[name] = { runs: RUNS, unsandboxed_ms: without, sandboxed_ms: withBwrap, median_extra_ms: med };
      expect(withBwrap.every((v) => v > 0)).toBe(true);
    }
    const table = markdownTable(['command', 'unsandboxed p50 ms', 'bubblewrap p50 ms', 'median extra ms', 'p90 extra ms'], rows);
    const file = await writeResults('sandbox', { target_ms: TARGET_MS, results });
    const med = rows[rows.length - 1]![3] as number;
    console.log(
      `Sandbox cost per oracle run (${MODE}) → ${file}\n\n${table}\n\ntarget: median extra under ${TARGET_MS} ms — ${med < TARGET_MS ? 'met' : 'missed'}`,
    );
  });
});
