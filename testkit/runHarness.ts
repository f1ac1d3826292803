// A whole-pipeline test fixture: a sample repository, a scripted model, a private CODEX_HOME, a
// private tmux server, a temp runs root and worktree root → a Config; plus reading a run's
// artifacts through the common/ schemas, `assertClean()` and `cleanup()`.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as stringifyToml } from 'smol-toml';
import { execa, type Options as ExecaOptions, type ResultPromise } from 'execa';
import { afterEach } from 'vitest';
import type { z } from 'zod';
import { CandidateFile, Decision, HypothesesFile, RunDone, RunEvent, SessionsFile, type Usage } from '../common/artifacts';
import type { IssueInput, RunRequest } from '../common/runRequest';
import { parseScenario, DEFAULT_USAGE, type Scenario, type ScenarioInput } from '../main/agents/scenario';
import { makeRunRequest } from '../main/manager/launcher';
import { cliScript } from '../main/cli/self';
import { buildConfig, type Config, type ConfigOverrides, type SandboxMode } from '../main/config/config';
import { parseJsonArtifact, RunStore, type RunPaths } from '../main/runs/runStore';
import type { Tmux } from '../main/tmux/tmux';
import { CODEX_BIN, makeCodexHome, type CodexHome } from './codexHome';
import { createSampleRepo, type SampleKind, type SampleRepo } from './sampleRepos';
import { startTestModel, type TestModel } from './scriptedModel';
import { privateTmux } from './tmux';

/** The bundled example's scenario (examples/statsmini/scenario.json): a good base to vary. */
export const STATSMINI_SCENARIO_FILE = fileURLToPath(new URL('../examples/statsmini/scenario.json', import.meta.url));

/** A deep copy of the statsmini example scenario. */
export async function statsminiScenario(): Promise<ScenarioInput> {
  return JSON.parse(await readFile(STATSMINI_SCENARIO_FILE, 'utf8')) as ScenarioInput;
}

/** Replaces (or adds) the entry of role/worker in a scenario, in place; returns the scenario. */
export function setAgent(scenario: ScenarioInput, entry: ScenarioInput['agents'][number]): ScenarioInput {
  const i = scenario.agents.findIndex((e) => e.role === entry.role && e.worker === entry.worker);
  if (i >= 0) scenario.agents[i] = entry;
  else scenario.agents.push(entry);
  return scenario;
}

/** The entry of role/worker (throws when missing). */
export function getAgent(scenario: ScenarioInput, role: string, worker: string): ScenarioInput['agents'][number] {
  const e = scenario.agents.find((x) => x.role === role && x.worker === worker);
  if (!e) throw new Error(`scenario has no entry for ${role}/${worker}`);
  return e;
}

/** A repro answer as the `message` text of a scenario step. */
export function reproMessage(a: {
  candidate_id: string;
  script: string;
  claimed_failure_signature: string;
  oracle_command?: string;
  setup_commands?: string[];
  file_extension?: string;
}): string {
  return JSON.stringify({
    candidate_id: a.candidate_id,
    script: a.script,
    setup_commands: a.setup_commands ?? [],
    oracle_command: a.oracle_command ?? 'PYTHONPATH=. {python} {repro_file}',
    claimed_failure_signature: a.claimed_failure_signature,
    file_extension: a.file_extension ?? 'py',
  });
}

export interface RunHarnessOptions {
  scenario: ScenarioInput;
  /** Default: python-convolve (the statsmini bug of the bundled example). */
  sample?: SampleKind;
  /** Makes the repository instead (e.g. a real bug's library, testkit/realBugs.ts). */
  repo?: (parentDir: string) => Promise<SampleRepo>;
  /** Manager settings on top of the harness defaults (2 workers, 2 validation runs, 60 s phase timeout). */
  manager?: ConfigOverrides;
  codex?: { command?: string; sandbox?: SandboxMode };
  /** The issue text; default: the sample's issue. */
  issueMarkdown?: string;
  /** Sees every request body the scripted model parses (before it answers). */
  onRequest?: (body: unknown) => void;
  /** [sandbox] mode (default bwrap: required). */
  sandboxMode?: 'auto' | 'bwrap' | 'off';
}

export interface RunArtifacts {
  runId: string;
  paths: RunPaths;
  decision: Decision;
  runDone: RunDone;
  sessions: SessionsFile;
  events: Array<RunEvent & Record<string, unknown>>;
  /** repro/candidates/<worker>.json by worker id. */
  candidates: Record<string, CandidateFile>;
  hypotheses: HypothesesFile | null;
  finalReport: string | null;
}

export interface ServedUsage {
  total: Usage;
  /** By "ROLE/worker". `turns` counts the responses served. */
  byAgent: Record<string, Usage>;
}

export interface RunHarness {
  root: string;
  repo: SampleRepo;
  model: TestModel;
  scenario: Scenario;
  codexHome: CodexHome;
  tmux: Tmux;
  runsRoot: string;
  worktreeRoot: string;
  issueFile: string;
  config: Config;
  store: RunStore;
  /** A run request on this fixture (default: its config and issue file), as a launcher would make it. */
  request(o?: { config?: Config; issue?: IssueInput; runId?: string }): RunRequest;
  /** Another Config on the same fixture (e.g. a missing codex command). */
  makeConfig(manager?: ConfigOverrides, codex?: { command?: string; sandbox?: SandboxMode }): Config;
  /** Writes `root/mminions.toml` holding `config` (for CLI children); returns its path. */
  writeConfigFile(config?: Config): Promise<string>;
  /** The environment for CLI children: no MMINIONS_* or model keys from the caller. */
  cliEnv: NodeJS.ProcessEnv;
  /** Runs `node out/main/cli.js ...args` in `root` with cliEnv. */
  cli(args: string[], opts?: ExecaOptions): ResultPromise;
  /** Every artifact of a finished run, parsed with the common/ schemas. */
  readRun(runId: string): Promise<RunArtifacts>;
  /** The scenario's usage summed over the requests the model answered (exec or message replies). */
  servedUsage(): ServedUsage;
  /** Throws unless no tmux session, no worktree (git's list and the worktree root) and no process of this fixture is left. */
  assertClean(): Promise<void>;
  cleanup(): Promise<void>;
}

const ZERO_USAGE: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Python's major.minor on PATH (so validation resolves it without a version diagnostic). */
function localPythonVersion(): string {
  try {
    const v = execFileSync('python3', ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], {
      encoding: 'utf8',
      timeout: 10_000,
    }).trim();
    return /^3\.\d+$/.test(v) ? v : '3';
  } catch {
    return '3';
  }
}

/** Fails fast with a clear message when the CLI (worker panes' render-events, the manager in tmux) is not built. */
export function requireBuiltCli(): string {
  const script = cliScript();
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx electron-vite build; npm test does it)`);
  return script;
}

export async function createRunHarness(o: RunHarnessOptions): Promise<RunHarness> {
  requireBuiltCli();
  const root = realpathSync(await mkdtemp(join(tmpdir(), 'mm-pipe-')));
  const cleanups: Array<() => Promise<unknown>> = [() => rm(root, { recursive: true, force: true })];
  const tmux = privateTmux('mmp');
  cleanups.unshift(() => tmux.killServer());
  try {
    const scenario = parseScenario(o.scenario, 'test scenario');
    const codexHome = await makeCodexHome();
    cleanups.unshift(() => codexHome.cleanup());
    const model = await startTestModel(scenario, { onRequest: o.onRequest });
    cleanups.unshift(() => model.close());
    const repo = o.repo ? await o.repo(root) : await createSampleRepo(o.sample ?? 'python-convolve', root);
    const runsRoot = join(root, 'runs');
    const worktreeRoot = join(root, 'worktrees');
    await mkdir(worktreeRoot, { recursive: true });
    const issueFile = join(root, 'issue.md');
    await writeFile(issueFile, o.issueMarkdown ?? repo.issueMarkdown);
    const pythonVersion = localPythonVersion();

    const makeConfig = (manager: ConfigOverrides = {}, codex: { command?: string; sandbox?: SandboxMode } = {}): Config =>
      buildConfig(
        {
          codex: {
            command: codex.command ?? o.codex?.command ?? CODEX_BIN,
            home: codexHome.dir,
            sandbox: codex.sandbox ?? o.codex?.sandbox ?? 'read-only',
            config: model.codexConfig,
          },
          // Tests require the sandbox: a machine without bubblewrap fails them instead of running unsandboxed.
          sandbox: { mode: o.sandboxMode ?? 'bwrap' },
        },
        {
          file: null,
          env: {},
          cwd: root,
          overrides: {
            repo_path: repo.path,
            runs_root: runsRoot,
            worktree_root: worktreeRoot,
            workers: 2,
            timeout_sec: 60,
            poll_interval_sec: 1,
            stall_sec: 120,
            repro_validation_runs: 2,
            repro_min_matches: 2,
            validation_python_version: pythonVersion,
            worker_model: 'scripted',
            manager_model: 'scripted',
            reducer_timeout_sec: 60,
            // The fix phase runs where a test asks for it (main/manager/fix/fixPhase.test.ts, the demo's e2e).
            fix_workers: 0,
            tmux_socket: tmux.socket,
            ...o.manager,
            ...manager,
          },
        },
      );
    const config = makeConfig();
    const store = new RunStore(runsRoot);

    const cliEnv: NodeJS.ProcessEnv = { ...codexHome.env };
    for (const k of Object.keys(cliEnv))
      if (k.startsWith('MMINIONS_') || k === 'TMUX' || k === 'GITHUB_TOKEN' || k === 'GH_TOKEN') delete cliEnv[k];

    const writeConfigFile = async (c: Config = config): Promise<string> => {
      const file = join(root, 'mminions.toml');
      const { meta: _meta, ...rest } = c;
      const table = {
        manager: rest.manager,
        ...(rest.tmux.socket ? { tmux: { socket: rest.tmux.socket } } : {}),
        codex: {
          command: rest.codex.command,
          ...(rest.codex.home ? { home: rest.codex.home } : {}),
          sandbox: rest.codex.sandbox,
          config: rest.codex.config,
        },
        sandbox: { mode: rest.sandbox.mode },
        ...(rest.fix.test_command ? { fix: rest.fix } : {}),
      };
      await writeFile(file, stringifyToml(table));
      return file;
    };

    const cli = (args: string[], opts: ExecaOptions = {}) =>
      execa(process.execPath, [requireBuiltCli(), ...args], {
        cwd: root,
        env: cliEnv,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        timeout: 120_000,
        ...opts,
      });

    const readRun = async (runId: string): Promise<RunArtifacts> => {
      const paths = store.paths(runId);
      const json = async <S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> =>
        parseJsonArtifact(path, await readFile(path, 'utf8'), schema);
      const candidates: Record<string, CandidateFile> = {};
      for (const f of (await readdir(paths.candidatesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
        candidates[f.replace(/\.json$/, '')] = await json(join(paths.candidatesDir, f), CandidateFile);
      }
      const events = (await readFile(paths.events, 'utf8'))
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => RunEvent.parse(JSON.parse(l)) as RunEvent & Record<string, unknown>);
      return {
        runId,
        paths,
        decision: await json(paths.decision, Decision),
        runDone: await json(paths.runDone, RunDone),
        sessions: await json(paths.sessions, SessionsFile),
        events,
        candidates,
        hypotheses: existsSync(paths.hypotheses) ? await json(paths.hypotheses, HypothesesFile) : null,
        finalReport: existsSync(paths.finalReport) ? await readFile(paths.finalReport, 'utf8') : null,
      };
    };

    const servedUsage = (): ServedUsage => {
      const byAgent: Record<string, Usage> = {};
      let total = { ...ZERO_USAGE };
      for (const e of model.log) {
        if (e.status !== 200 || e.abandoned || (e.reply !== 'exec' && e.reply !== 'message')) continue;
        const entry = scenario.agents.find((a) => a.role === e.role && a.worker === e.worker);
        const u = entry?.usage ?? scenario.usage ?? DEFAULT_USAGE;
        const add = (a: Usage): Usage => ({
          input_tokens: a.input_tokens + u.input_tokens,
          cached_input_tokens: a.cached_input_tokens + u.cached_input_tokens,
          output_tokens: a.output_tokens + u.output_tokens,
          turns: a.turns + 1,
        });
        const key = `${e.role}/${e.worker}`;
        byAgent[key] = add(byAgent[key] ?? ZERO_USAGE);
        total = add(total);
      }
      return { total, byAgent };
    };

    const leftovers = async (): Promise<string[]> => {
      const problems: string[] = [];
      const sessions = await tmux.listSessions();
      if (sessions.size) problems.push(`tmux sessions left on ${tmux.socket}: ${[...sessions].join(', ')}`);
      const wt = execFileSync('git', ['-C', repo.path, 'worktree', 'list', '--porcelain'], { encoding: 'utf8', timeout: 10_000 });
      const listed = wt
        .split('\n')
        .filter((l) => l.startsWith('worktree '))
        .map((l) => l.slice('worktree '.length));
      if (listed.length !== 1 || listed[0] !== repo.path)
        problems.push(`git worktree list shows more than the main worktree: ${listed.join(', ')}`);
      const dirs = (await readdir(worktreeRoot).catch(() => [] as string[])).filter((n) => n.startsWith('mminions-'));
      if (dirs.length) problems.push(`worktree folders left in ${worktreeRoot}: ${dirs.join(', ')}`);
      const procs = execFileSync('ps', ['-A', '-o', 'pid=,stat=,args='], { encoding: 'utf8', timeout: 10_000 })
        .split('\n')
        .filter((l) => l.includes(root) && !/^\s*\d+\s+Z/.test(l));
      if (procs.length) problems.push(`processes of this fixture still running:\n${procs.join('\n')}`);
      return problems;
    };

    return {
      root,
      repo,
      model,
      scenario,
      codexHome,
      tmux,
      runsRoot,
      worktreeRoot,
      issueFile,
      config,
      store,
      makeConfig,
      request: (r = {}) => ({
        ...makeRunRequest(r.config ?? config, r.issue ?? { file: issueFile }, 'manager'),
        run_id: r.runId ?? '',
      }),
      writeConfigFile,
      cliEnv,
      cli,
      readRun,
      servedUsage,
      async assertClean() {
        // Process groups get a moment to die after their session ends.
        let problems = await leftovers();
        for (let i = 0; i < 15 && problems.length; i++) {
          await sleep(200);
          problems = await leftovers();
        }
        if (problems.length) throw new Error(`the run left things behind:\n- ${problems.join('\n- ')}`);
      },
      async cleanup() {
        for (const c of cleanups) await c().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const c of cleanups) await c().catch(() => undefined);
    throw err;
  }
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** For a test file: a harness factory whose harnesses are cleaned up after each test. */
export function harnessPerTest(): (o: RunHarnessOptions) => Promise<RunHarness> {
  const live: RunHarness[] = [];
  afterEach(async () => {
    for (const h of live.splice(0)) await h.cleanup();
  });
  return async (o) => {
    const h = await createRunHarness(o);
    live.push(h);
    return h;
  };
}
