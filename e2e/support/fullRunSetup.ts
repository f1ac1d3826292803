// Everything a real run needs, offline: the bundled example repository, the scripted model, a GitHub fake and a mminions.toml.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'smol-toml';
import { makeOfflineCodexHome, scriptedCodexConfig } from '../../main/agents/offline';
import { loadScenario, type Scenario } from '../../main/agents/scenario';
import { startScriptedModel, type ScriptedModel } from '../../main/agents/scriptedModel';
import { startStatusServer, type StatusServer } from '../../main/server/server';
import { Tmux } from '../../main/tmux/tmux';
import { startGithubFake, type GithubFake } from '../../testkit/githubFake';
import { CODEX_BIN } from '../../testkit/codexHome';
import { RENDERER_DIR, ROOT, requireBuiltDashboard } from './dashboard';

export const EXAMPLE = join(ROOT, 'examples', 'statsmini');
export const ISSUE_URL = 'https://github.com/acme/statsmini/issues/12';

export interface FullRunSetup {
  dir: string;
  repo: string;
  server: StatusServer;
  tmux: Tmux;
  model: ScriptedModel;
  github: GithubFake;
  close(): Promise<void>;
}

async function exampleRepo(dir: string): Promise<string> {
  const repo = join(dir, 'statsmini');
  await cp(join(EXAMPLE, 'repo'), repo, { recursive: true });
  const git = (...args: string[]) => execa('git', ['-C', repo, ...args]);
  await git('init', '-q');
  await git('config', 'user.email', 'e2e@mminions.invalid');
  await git('config', 'user.name', 'mminions e2e');
  await git('add', '-A');
  await git('commit', '-qm', 'statsmini');
  return repo;
}

/**
 * The demo's scenario, with the repro builders slowed down so a person (or a test) can watch them work,
 * and the triage and fix workers too, so that the chosen repro and the fix phase can be watched while the run goes on.
 */
export async function slowScenario(replyDelayMs: number, triageDelayMs = 0, fixDelayMs = 0): Promise<Scenario> {
  const s = await loadScenario(join(EXAMPLE, 'scenario.json'));
  const delays: Record<string, number> = { REPRO_BUILDER: replyDelayMs, TRIAGER: triageDelayMs, FIXER: fixDelayMs };
  const delay = (role: string) => delays[role] ?? 0;
  return { ...s, agents: s.agents.map((a) => (delay(a.role) ? { ...a, delay_ms: delay(a.role) } : a)) };
}

export async function startFullRunSetup(opts: {
  replyDelayMs: number;
  triageDelayMs?: number;
  fixDelayMs?: number;
  tmuxSocket: string;
}): Promise<FullRunSetup> {
  requireBuiltDashboard();
  const dir = await mkdtemp(join(tmpdir(), 'mm-e2e-full-'));
  const repo = await exampleRepo(dir);
  const model = await startScriptedModel({
    scenario: await slowScenario(opts.replyDelayMs, opts.triageDelayMs, opts.fixDelayMs),
  });
  const codexHome = await makeOfflineCodexHome('mm-e2e-codex-');
  const issueBody = await readFile(join(EXAMPLE, 'issue.md'), 'utf8');
  const [title, ...rest] = issueBody.split('\n');
  const github = await startGithubFake({
    issues: {
      'acme/statsmini#12': {
        number: 12,
        title: title!.replace(/^#\s*/, ''),
        body: rest.join('\n').trim(),
        labels: [{ name: 'bug' }],
        state: 'open',
        html_url: ISSUE_URL,
      },
    },
  });
  const runsRoot = join(dir, 'runs');
  await mkdir(runsRoot, { recursive: true });
  const toml = join(dir, 'mminions.toml');
  await writeFile(
    toml,
    stringify({
      manager: {
        repo_path: repo,
        runs_root: runsRoot,
        workers: 2,
        timeout_sec: 120,
        stall_sec: 60,
        worker_model: 'scripted',
        manager_model: 'scripted',
      },
      tmux: { socket: opts.tmuxSocket },
      github: { api_url: github.url },
      codex: { command: CODEX_BIN, home: codexHome, sandbox: 'read-only', config: scriptedCodexConfig(model.url) },
      sandbox: { mode: 'bwrap' },
      // The repository's own tests run before and after each fix, as the demo does.
      fix: { test_command: '{python} -m unittest discover -s tests -t .' },
    }),
  );
  const server = await startStatusServer({ configFile: toml, port: 0, quiet: true, staticDir: RENDERER_DIR });
  const tmux = new Tmux(opts.tmuxSocket);
  return {
    dir,
    repo,
    server,
    tmux,
    model,
    github,
    close: async () => {
      await server.close();
      await tmux.killServer();
      await model.close();
      await github.close();
      await rm(codexHome, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
