import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReproAnswer } from '../../common/agentAnswers';
import { CandidateValidation, type IssueSignals } from '../../common/artifacts';
import { createSampleRepo, type SampleRepo } from '../../testkit/sampleRepos';
import {
  fillPlaceholders,
  oracleEnv,
  sanitizeExtension,
  validateCandidate,
  validateCandidates,
  type ValidateOptions,
} from './validate';
import { alive } from '../../testkit/processes';

const SIGNALS: IssueSignals = {
  exception_types: ['ValueError'],
  messages: ['kernel cannot be empty'],
  assertion_failures: [],
  exit_codes: [],
};

let dir: string;
let sample: SampleRepo;
let worktree: string;
let python: string; // the real interpreter behind python3
beforeAll(async () => {
  python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 20_000 })).stdout.trim();
  dir = await mkdtemp(join(tmpdir(), 'mminions-validate-'));
  sample = await createSampleRepo('python-convolve', dir);
  worktree = join(dir, 'validation');
  await execa('git', ['-C', sample.path, 'worktree', 'add', '-q', '--detach', worktree, 'HEAD'], { timeout: 20_000 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function answer(over: Partial<ReproAnswer>): ReproAnswer {
  return {
    candidate_id: 'c1',
    script: 'import statsmini\nstatsmini.convolve([], [1, 2])\n',
    setup_commands: [],
    oracle_command: '{python} {repro_file}',
    claimed_failure_signature: 'ValueError: kernel cannot be empty',
    file_extension: 'py',
    ...over,
  };
}

function options(over: Partial<ValidateOptions>): ValidateOptions {
  return { answer: answer({}), worktree, runs: 3, minMatches: 2, timeoutMs: 20_000, python, signals: SIGNALS, ...over };
}

describe('validateCandidate', () => {
  it('passes a real reproduction k/k, with its repository frames', async () => {
    const v = await validateCandidate(options({ answer: answer({ candidate_id: 'w1/../cand 1', file_extension: '.py;rm' }) }));
    expect(v).toMatchObject({
      total_runs: 3,
      matches: 3,
      passed: true,
      setup_ok: true,
      matched_signature: 'ValueError: kernel cannot be empty',
    });
    expect(v.repo_frames).toContain('statsmini/core.py:convolve');
    expect(v.repro_path).toBe(join(worktree, '.mminions', 'repro_w1____cand_1.pyrm'));
    expect(await readFile(v.repro_path, 'utf8')).toContain('statsmini.convolve([], [1, 2])');
    expect(v.runs.every((r) => r.matched && r.failure_line === 'ValueError: kernel cannot be empty' && r.exit_code === 1)).toBe(
      true,
    );
    expect(CandidateValidation.parse(v)).toMatchObject({ passed: true });
    // Never in the user's own checkout.
    await expect(validateCandidate(options({ worktree: sample.path, userRepo: sample.path }))).rejects.toThrow(
      /user's own checkout/,
    );
  });

  it('fails a candidate that raises a different error, saying why', async () => {
    const v = await validateCandidate(
      options({ answer: answer({ script: 'import statsmini\nstatsmini.median([])\n' }), runs: 2, minMatches: 2 }),
    );
    expect(v).toMatchObject({ total_runs: 2, matches: 0, passed: false, matched_signature: null, repo_frames: [] });
    expect(v.runs[0]?.failure_line).toBe('IndexError: list index out of range');
    expect(v.runs[0]?.repo_frames).toEqual(['statsmini/core.py:median']);
    expect(v.reason).toContain("final exception line is 'IndexError: list index out of range'");
  });

  it('times out a hanging oracle and kills its whole process group', async () => {
    const pidFile = join(dir, 'pids.txt');
    const script = [
      'import os, signal, subprocess, sys, time',
      'signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it',
      'child = subprocess.Popen(["sleep", "300"])',
      `open(${JSON.stringify(pidFile)}, "w").write(f"{os.getpid()} {child.pid}")`,
      'time.sleep(300)',
    ].join('\n');
    const v = await validateCandidate(options({ answer: answer({ script }), runs: 2, minMatches: 2, timeoutMs: 1_500 }));
    expect(v.passed).toBe(false);
    expect(v.runs[0]).toMatchObject({ timed_out: true, matched: false, exit_code: null });
    expect(v.runs[0]?.reason).toMatch(/timed out after 1500 ms/);
    expect(v.total_runs).toBe(1); // one hang made two matches impossible
    const pids = (await readFile(pidFile, 'utf8')).trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      let left = alive(pid);
      for (let i = 0; i < 40 && left; i++) {
        await new Promise((r) => setTimeout(r, 50));
        left = alive(pid);
      }
      expect(left, `process ${pid} survived`).toBe(false);
    }
  });

  it('stops at a failing setup command, and runs setups with placeholders filled', async () => {
    const v = await validateCandidate(
      options({
        answer: answer({ candidate_id: 'c-setup', setup_commands: ['test -f {repro_file}', 'echo installing; exit 4'] }),
      }),
    );
    expect(v).toMatchObject({ setup_ok: false, passed: false, total_runs: 0, runs: [] });
    expect(v.setup_error).toContain('exit code 4');
    expect(v.setup_error).toContain('installing');

    const ok = await validateCandidate(
      options({
        answer: answer({ candidate_id: 'c-setup2', setup_commands: ['test -f "{repro_file}" && touch setup-ran'] }),
        runs: 1,
        minMatches: 1,
      }),
    );
    expect(ok).toMatchObject({ setup_ok: true, passed: true });
    expect(existsSync(join(worktree, 'setup-ran'))).toBe(true);
  });
});

describe('the oracle environment', () => {
  it('hides the manager secrets from untrusted scripts and makes the repository importable', async () => {
    const env = oracleEnv('/wt', '/py/bin/python', { GITHUB_TOKEN: 'g', OPENAI_API_KEY: 'o', PATH: '/usr/bin', HOME: '/root' });
    expect(env).toMatchObject({
      GITHUB_TOKEN: undefined,
      OPENAI_API_KEY: undefined,
      PATH: '/py/bin:/usr/bin',
      PYTHONPATH: '/wt',
    });
    expect('HOME' in env).toBe(false);

    process.env.MMINIONS_PROBE_TOKEN = 'sekrit';
    try {
      const script =
        'import os\nprint("token:", os.environ.get("MMINIONS_PROBE_TOKEN"))\nimport statsmini\nstatsmini.convolve([], [1])\n';
      const v = await validateCandidate(options({ answer: answer({ candidate_id: 'env', script }), runs: 1, minMatches: 1 }));
      expect(v.passed).toBe(true);
      expect(v.runs[0]?.output_tail).toContain('token: None');
    } finally {
      delete process.env.MMINIONS_PROBE_TOKEN;
    }
  });
});

describe('validateCandidates', () => {
  it('keeps input order, bounds parallelism and reports errors as failed results', async () => {
    const marker = join(dir, 'concurrency');
    // Each oracle counts the oracles running beside it through marker files.
    const script = (id: string) =>
      [
        'import glob, os, time',
        `m = ${JSON.stringify(marker)}`,
        'os.makedirs(m, exist_ok=True)',
        `open(os.path.join(m, "run-${id}"), "w").close()`,
        `open(os.path.join(m, "seen-${id}"), "w").write(str(len(glob.glob(os.path.join(m, "run-*")))))`,
        'time.sleep(0.4)',
        `os.remove(os.path.join(m, "run-${id}"))`,
        'import statsmini',
        'statsmini.convolve([], [1])',
      ].join('\n');
    const items = ['a', 'b', 'c'].map((id) =>
      options({ answer: answer({ candidate_id: id, script: script(id) }), runs: 1, minMatches: 1 }),
    );
    items.push(options({ worktree: sample.path, userRepo: sample.path }));
    const results = await validateCandidates(items, { concurrency: 2 });
    expect(results.map((r) => r.passed)).toEqual([true, true, true, false]);
    expect(results.slice(0, 3).map((r) => r.repro_path.split('/').pop())).toEqual(['repro_a.py', 'repro_b.py', 'repro_c.py']);
    expect(results[3]?.reason).toMatch(/user's own checkout/);
    const seen = await Promise.all(['a', 'b', 'c'].map(async (id) => Number(await readFile(join(marker, `seen-${id}`), 'utf8'))));
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
  });
});

describe('placeholders', () => {
  it('shell-quotes values, also where the agent quoted the placeholder', async () => {
    const values = { reproFile: "/tmp/it's here/r.py", python: '/usr/bin/python3' };
    const cmd = fillPlaceholders(`{python} "{repro_file}" && cat '{repro_file}'`, values);
    const res = await execa('sh', ['-c', `printf '%s\\n' ${cmd.replace(' && cat ', ' ')}`], { timeout: 5_000 });
    expect(res.stdout.split('\n')).toEqual(['/usr/bin/python3', "/tmp/it's here/r.py", "/tmp/it's here/r.py"]);
    expect(sanitizeExtension('.tar.gz')).toBe('targz');
    expect(sanitizeExtension('../../')).toBe('txt');
  });
});
