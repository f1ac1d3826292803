import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConfig, codexConfigArgs, ConfigError, DEFAULT_MANAGER, loadConfig, renderConfig } from './config';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-cfg-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, name), text);

describe('loadConfig', () => {
  it('uses the defaults when there is no file', () => {
    const c = loadConfig({ cwd: dir, env: {} });
    expect(c.meta.file).toBeNull();
    expect(c.manager.workers).toBe(DEFAULT_MANAGER.workers);
    expect(c.manager.repo_path).toBe(dir);
    expect(c.manager.runs_root).toBe(join(dir, 'runs'));
    expect(c.manager.worktree_root).toBe(tmpdir());
    expect(c.tmux.socket).toBeNull();
    expect(c.github.api_url).toBe('https://api.github.com');
    expect(c.codex).toEqual({ command: 'codex', home: null, sandbox: 'read-only', config: {} });
  });

  it('follows the precedence flag > --config > MMINIONS_CONFIG > ./mminions.toml > defaults', async () => {
    await write('mminions.toml', '[manager]\nworkers = 2\ntimeout_sec = 100\npoll_interval_sec = 7\n');
    await write('env.toml', '[manager]\nworkers = 3\ntimeout_sec = 200\n');
    await write('explicit.toml', '[manager]\nworkers = 4\n');
    expect(loadConfig({ cwd: dir, env: {} }).manager.poll_interval_sec).toBe(7);
    expect(loadConfig({ cwd: dir, env: { MMINIONS_CONFIG: 'env.toml' } }).manager.timeout_sec).toBe(200);
    expect(loadConfig({ cwd: dir, env: { MMINIONS_CONFIG: 'env.toml' }, configFile: 'explicit.toml' }).manager.workers).toBe(4);
    const flagged = loadConfig({
      cwd: dir,
      env: { MMINIONS_CONFIG: 'env.toml' },
      configFile: 'explicit.toml',
      overrides: { workers: 5 },
    });
    expect(flagged.manager.workers).toBe(5);
    expect(flagged.meta.file).toBe(join(dir, 'explicit.toml'));
  });

  it('resolves relative paths in a file against its folder, and flag paths against the cwd', async () => {
    await mkdir(join(dir, 'conf'));
    await write(
      'conf/m.toml',
      '[manager]\nrepo_path = "../repo"\nruns_root = "out/runs"\nworktree_root = "wt"\n[codex]\nhome = "ch"\n',
    );
    const c = loadConfig({ cwd: '/', env: {}, configFile: join(dir, 'conf/m.toml') });
    expect(c.manager.repo_path).toBe(join(dir, 'repo'));
    expect(c.manager.runs_root).toBe(join(dir, 'conf/out/runs'));
    expect(c.manager.worktree_root).toBe(join(dir, 'conf/wt'));
    expect(c.codex.home).toBe(join(dir, 'conf/ch'));
    const f = loadConfig({ cwd: dir, env: {}, configFile: 'conf/m.toml', overrides: { runs_root: 'here' } });
    expect(f.manager.runs_root).toBe(join(dir, 'here'));
  });

  it('clamps like the prototype and says so', () => {
    const c = buildConfig(
      { manager: { workers: 10, timeout_sec: 5, repro_validation_runs: 2, repro_min_matches: 5 } },
      { file: null, env: {}, cwd: dir, overrides: {} },
    );
    expect(c.manager.workers).toBe(6);
    expect(c.manager.timeout_sec).toBe(60);
    expect(c.manager.repro_min_matches).toBe(2);
    expect(c.meta.warnings.join('\n')).toMatch(/workers = 10 is outside 1..6; using 6/);
    expect(buildConfig({}, { file: null, env: {}, cwd: dir, overrides: { workers: 0 } }).manager.workers).toBe(1);
  });

  it('names the key, the value and what is allowed for a bad value', async () => {
    const ctx = { file: 'x.toml', env: {}, cwd: dir, overrides: {} };
    expect(() => buildConfig({ manager: { workers: 'many' } }, ctx)).toThrow(
      /manager.workers: expected an integer 1..6 \(got "many"\)/,
    );
    expect(() => buildConfig({ manager: { workers: 2.5 } }, ctx)).toThrow(/manager.workers/);
    expect(() => buildConfig({ codex: { sandbox: 'yolo' } }, ctx)).toThrow(
      /codex.sandbox: expected one of read-only, workspace-write, danger-full-access \(got "yolo"\)/,
    );
    expect(() => buildConfig({ manager: { wrokers: 2 } }, ctx)).toThrow(/unknown key manager.wrokers/);
    expect(() => buildConfig({ github: { api_url: 'ftp://x' } }, ctx)).toThrow(/github.api_url/);
    expect(() => buildConfig({ manager: { validation_python_version: 'python' } }, ctx)).toThrow(/validation_python_version/);
    expect(() => buildConfig({}, { ...ctx, overrides: { timeout_sec: 1.5 } })).toThrow(/command line: manager.timeout_sec/);
    await write('broken.toml', '[manager\nworkers = ');
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'broken.toml' })).toThrow(/broken.toml: not valid TOML/);
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'missing.toml' })).toThrow(ConfigError);
    expect(() => loadConfig({ cwd: dir, env: { MMINIONS_CONFIG: 'nope.toml' } })).toThrow(/from MMINIONS_CONFIG/);
  });

  it('lets the environment pick the tmux socket and GitHub API URL', () => {
    const c = buildConfig(
      { tmux: { socket: 'file-sock' }, github: { api_url: 'https://ghe.example/api/v3/' } },
      { file: null, env: {}, cwd: dir, overrides: {} },
    );
    expect(c.tmux.socket).toBe('file-sock');
    expect(c.github.api_url).toBe('https://ghe.example/api/v3');
    const e = buildConfig(
      { tmux: { socket: 'file-sock' } },
      {
        file: null,
        env: { MMINIONS_TMUX_SOCKET: 'env-sock', MMINIONS_GITHUB_API_URL: 'http://127.0.0.1:9' },
        cwd: dir,
        overrides: {},
      },
    );
    expect(e.tmux.socket).toBe('env-sock');
    expect(e.github.api_url).toBe('http://127.0.0.1:9');
    expect(
      buildConfig({}, { file: null, env: { MMINIONS_TMUX_SOCKET: 'env-sock' }, cwd: dir, overrides: { tmux_socket: 'flag' } })
        .tmux.socket,
    ).toBe('flag');
  });

  it('renders the effective configuration as TOML that loads back to the same values', async () => {
    const c = buildConfig(
      { codex: { config: { model_provider: 'local', model_providers: { local: { base_url: 'http://127.0.0.1:1/v1' } } } } },
      { file: null, env: {}, cwd: dir, overrides: { workers: 3 } },
    );
    const text = renderConfig(c);
    await write('round.toml', text);
    const back = loadConfig({ cwd: dir, env: {}, configFile: 'round.toml' });
    expect(back.manager).toEqual(c.manager);
    expect(back.codex).toEqual(c.codex);
  });
});

describe('codexConfigArgs', () => {
  it('turns every leaf into dotted.key=<TOML value>', () => {
    expect(
      codexConfigArgs({
        model_provider: 'scripted',
        model_providers: {
          scripted: { name: 'scripted', base_url: 'http://127.0.0.1:8/v1', stream_max_retries: 0, weird: true },
        },
        list: ['a', 'b'],
      }),
    ).toEqual([
      'model_provider="scripted"',
      'model_providers.scripted.name="scripted"',
      'model_providers.scripted.base_url="http://127.0.0.1:8/v1"',
      'model_providers.scripted.stream_max_retries=0',
      'model_providers.scripted.weird=true',
      'list=[ "a", "b" ]',
    ]);
  });
  it('quotes keys that are not bare TOML keys', () => {
    expect(codexConfigArgs({ 'a b': { c: 1 } })).toEqual(['"a b".c=1']);
  });
});
