// `mminions demo`: the bundled example end to end — real codex, tmux, git and validation; scripted model answers.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runGit } from '../git/git';
import { makeOfflineCodexHome, scriptedCodexConfig } from '../agents/offline';
import { loadScenario } from '../agents/scenario';
import { startScriptedModel } from '../agents/scriptedModel';
import { buildConfig } from '../config/config';
import { makeRunRequest } from '../manager/launcher';
import { runManager } from '../manager/pipeline';
import { findExecutable } from '../process/findExecutable';
import { parseFlags } from './args';
import { commandHint, packageRoot } from './self';

const USAGE = 'Usage: mminions demo [--runs-root DIR] [--tmux-socket NAME] [--keep]';

/** The codex CLI to use: the project's pinned one when installed, else `codex` on PATH. */
export function demoCodexCommand(): string | null {
  const pinned = join(packageRoot(), 'node_modules', '.bin', 'codex');
  return findExecutable(pinned) ?? findExecutable('codex');
}

async function makeRepo(dir: string, source: string): Promise<string> {
  const repo = join(dir, 'statsmini');
  await cp(source, repo, { recursive: true });
  const git = async (...args: string[]) => {
    const r = await runGit(['-C', repo, ...args], {
      env: { GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' },
    });
    if (r.exitCode !== 0) throw new Error(`git ${args[0]} failed in ${repo}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  };
  await git('init', '-q');
  await git('config', 'user.email', 'demo@mminions.invalid');
  await git('config', 'user.name', 'mminions demo');
  await git('add', '-A');
  await git('commit', '-qm', 'statsmini 0.3.1');
  return repo;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { 'runs-root': { type: 'string' }, 'tmux-socket': { type: 'string' }, keep: { type: 'boolean' } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const example = join(packageRoot(), 'examples', 'statsmini');
  const codex = demoCodexCommand();
  if (!codex) {
    console.error(
      'mminions demo: the Codex CLI was not found: run `npm run setup` in the mminions folder, or `npm install -g @openai/codex`.',
    );
    return 1;
  }
  console.log(
    [
      'mminions demo — the bundled example: statsmini.convolve reports the wrong argument as empty.',
      'Everything is real (codex CLI, tmux sessions, git worktrees, running and minimizing the repro, checking evidence)',
      'except the model: its answers are SCRIPTED in examples/statsmini/scenario.json and served on 127.0.0.1.',
      'No network and no account are needed. One repro answer is noisy but valid, one is wrong; one hypothesis cites code that does not exist;',
      'one fix is right and one is wrong: the manager proves which by running them.',
      '',
    ].join('\n'),
  );
  const dir = await mkdtemp(join(tmpdir(), 'mminions-demo-'));
  const codexHome = await makeOfflineCodexHome('mminions-demo-codex-');
  const model = await startScriptedModel({ scenario: await loadScenario(join(example, 'scenario.json')) });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const repo = await makeRepo(dir, join(example, 'repo'));
    console.log(`example repository: ${repo}\nscripted model: ${model.url}\n`);
    const config = buildConfig(
      {
        codex: { command: codex, home: codexHome, sandbox: 'read-only', config: scriptedCodexConfig(model.url) },
        // The repository's own tests, before and after each fix.
        fix: { test_command: '{python} -m unittest discover -s tests -t .' },
      },
      {
        file: null,
        env: process.env,
        cwd: process.cwd(),
        overrides: {
          repo_path: repo,
          runs_root: resolve(values['runs-root'] ?? 'runs'),
          workers: 2,
          timeout_sec: 120,
          stall_sec: 60,
          worker_model: 'scripted',
          manager_model: 'scripted',
          tmux_socket: values['tmux-socket'],
        },
      },
    );
    const result = await runManager({
      request: makeRunRequest(config, { file: join(example, 'issue.md') }, 'manager'),
      out: (l) => console.log(l),
      signal: controller.signal,
    });
    console.log(`\nThe report a person reads: ${result.paths.finalReport}`);
    if (result.decision.fix?.status === 'verified')
      console.log(
        `(The verified patch is for the demo's own copy of examples/statsmini${values.keep ? ` in ${repo}` : ', removed now (--keep keeps it)'}; on a real issue, that git apply line applies the fix to your checkout.)`,
      );
    console.log(
      `Open the dashboard on these runs: ${commandHint(['server', '--runs-root', config.manager.runs_root, ...(config.tmux.socket ? ['--tmux-socket', config.tmux.socket] : [])])}`,
    );
    return result.decision.status === 'ok' ? 0 : 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await model.close();
    await rm(codexHome, { recursive: true, force: true });
    if (values.keep) console.log(`kept the example repository in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
