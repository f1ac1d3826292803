import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReproAnswer } from '../../../common/agentAnswers';
import { CandidateValidation, type IssueSignals } from '../../../common/artifacts';
import { createSampleRepo, type SampleRepo } from '../../../testkit/sampleRepos';
import { sanitizeExtension } from './reproFiles';
import { fillPlaceholders, oracleEnv, validateCandidate, type ValidateOptions } from './validate';
import type { Sandbox } from '../../process/sandbox';
import { testSandbox } from '../../../testkit/sandbox';

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
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await testSandbox();
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
  return { answer: answer({}), worktree, runs: 3, minMatches: 2, timeoutMs: 20_000, python, signals: SIGNALS, sandbox, ...over };
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
    // The oracle runs in its own PID namespace: find its processes on this side by a unique tag.
    const tag = `mminions-hang-${process.pid}-${Date.now()}`;
    const script = [
      'import signal, subprocess, time',
      'signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it',
      `child = subprocess.Popen(["bash", "-c", "exec -a ${tag} sleep 300"])`,
      'time.sleep(300)',
    ].join('\n');
    const v = await validateCandidate(
      options({ answer: answer({ script, candidate_id: tag }), runs: 2, minMatches: 2, timeoutMs: 1_500 }),
    );
    expect(v.passed).toBe(false);
    expect(v.runs[0]).toMatchObject({ timed_out: true, matched: false, exit_code: null });
    expect(v.runs[0]?.reason).toMatch(/timed out after 1500 ms/);
    expect(v.total_runs).toBe(1); // one hang made two matches impossible
    const left = () =>
      execFileSync('ps', ['-A', '-o', 'args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(tag));
    for (let i = 0; i < 40 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(left()).toEqual([]);
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
    const env = oracleEnv('/wt', '/py/bin/python', '/usr/bin');
    expect(env).toMatchObject({ PATH: '/py/bin:/usr/bin', PYTHONPATH: '/wt' });
    expect(Object.keys(env).some((k) => /TOKEN|KEY/.test(k))).toBe(false);

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

describe('JavaScript repros import the package under test as the issue does', () => {
  it('by its own name (require and ESM import), by relative path, and with the user’s node_modules, read-only', async () => {
    const node = await createSampleRepo('node-textkit', dir);
    // A dependency installed in the user's checkout (not committed): validation worktrees can use it.
    await mkdir(join(node.path, 'node_modules', 'fmt-lite'), { recursive: true });
    await writeFile(join(node.path, 'node_modules', 'fmt-lite', 'index.js'), 'module.exports = (s) => `[${s}]`;\n');
    const wt = join(dir, 'node-validation');
    await execa('git', ['-C', node.path, 'worktree', 'add', '-q', '--detach', wt, 'HEAD'], { timeout: 20_000 });
    const signals: IssueSignals = {
      exception_types: ['TypeError'],
      messages: ['width must be a number'],
      assertion_failures: [],
      exit_codes: [],
    };
    const js = (candidate_id: string, script: string, file_extension = 'js') =>
      validateCandidate({
        ...options({}),
        answer: answer({
          candidate_id,
          script,
          file_extension,
          oracle_command: 'node {repro_file}',
          claimed_failure_signature: 'TypeError: width must be a number',
        }),
        worktree: wt,
        userRepo: node.path,
        signals,
        runs: 1,
        minMatches: 1,
      });
    const byName = await js(
      'by-name',
      "const fmt = require('fmt-lite');\nconsole.log(fmt('x'));\nrequire('textkit').pad(undefined, 8);\n",
    );
    expect(byName.passed, byName.reason).toBe(true);
    expect(byName.runs[0]?.output_tail).toContain('[x]');
    expect(byName.repo_frames).toEqual(['lib/textkit.js:pad']);
    const relative = await js('relative', "require('./lib/textkit').pad(undefined, 8);\n");
    expect(relative.passed, relative.reason).toBe(true);
    const esm = await js('esm', "import textkit from 'textkit';\ntextkit.pad(undefined, 8);\n", 'mjs');
    expect(esm.passed, esm.reason).toBe(true);
    expect(esm.repo_frames).toEqual(['lib/textkit.js:pad']);
    // The user's installed packages are there to read, never to write.
    const write = await js('write', "require('node:fs').writeFileSync(require.resolve('fmt-lite'), 'pwned');\n");
    expect(write.runs[0]?.output_tail).toMatch(/EROFS|read-only/i);
    expect(await readFile(join(node.path, 'node_modules', 'fmt-lite', 'index.js'), 'utf8')).toContain('module.exports');
    await execa('git', ['-C', node.path, 'worktree', 'remove', '--force', wt], { timeout: 20_000 });
  });
});

describe('what a sandboxed command leaves in the worktree is never written through', () => {
  it('a link planted by one candidate’s oracle where the next repro goes: the manager replaces the link, the file it points to stays', async () => {
    // Outside the sandbox's reach: the sandbox sees neither this folder nor the person's files.
    const victim = join(dir, 'outside', 'victim.txt');
    await mkdir(join(dir, 'outside'), { recursive: true });
    await writeFile(victim, 'precious\n');
    const planted = join(worktree, '.mminions', 'repro_next.py');
    const first = await validateCandidate(
      options({
        runs: 1,
        minMatches: 1,
        answer: answer({
          candidate_id: 'planter',
          // The repro still reproduces; its oracle also plants links for the next writes (the repro of
          // the next candidate, and a folder the manager creates) — in a worktree several repros share.
          oracle_command: `ln -sf ${victim} .mminions/repro_next.py; mkdir -p sub; ln -sfn ${join(dir, 'outside')} .mminions/node; {python} {repro_file}`,
        }),
      }),
    );
    expect(first.passed, JSON.stringify(first.runs)).toBe(true);
    expect((await lstat(planted)).isSymbolicLink()).toBe(true);
    const next = await validateCandidate(options({ runs: 1, minMatches: 1, answer: answer({ candidate_id: 'next' }) }));
    expect(next.passed, JSON.stringify(next.runs)).toBe(true);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect((await lstat(planted)).isFile()).toBe(true);
    expect(await readFile(planted, 'utf8')).toContain('statsmini.convolve');
    await rm(join(worktree, '.mminions'), { recursive: true, force: true });
    await rm(join(worktree, 'sub'), { recursive: true, force: true });
  });
});
