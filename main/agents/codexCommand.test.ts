// buildCodexArgs: flag spelling, sandbox default/override, [codex.config] pass-through, CODEX_HOME.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/config';
import { nativeCodex } from './codexBinary';
import { buildCodexArgs } from './codexCommand';

const ctx = { file: null, env: {}, cwd: '/tmp', overrides: {} };

describe('buildCodexArgs', () => {
  it('builds the exec command line with every flag the manager relies on', () => {
    const config = buildConfig(
      {
        codex: {
          command: '/opt/codex',
          home: '/tmp/ch',
          sandbox: 'read-only',
          config: { model_provider: 'scripted', model_providers: { scripted: { base_url: 'http://127.0.0.1:9/v1' } } },
        },
      },
      ctx,
    );
    const c = buildCodexArgs({
      config,
      model: 'scripted',
      worktree: '/wt/a b',
      outputFile: '/run/agents/repro-w1.out.txt',
      schemaFile: '/run/schema.json',
    });
    expect(c.command).toBe('/opt/codex');
    expect(c.env).toEqual({ CODEX_HOME: '/tmp/ch' });
    expect(c.args).toEqual([
      'exec',
      '-',
      '--json',
      '-o',
      '/run/agents/repro-w1.out.txt',
      '--output-schema',
      '/run/schema.json',
      '--skip-git-repo-check',
      '-s',
      'read-only',
      '-m',
      'scripted',
      '-C',
      '/wt/a b',
      '-c',
      'approval_policy="never"',
      '-c',
      'model_provider="scripted"',
      '-c',
      'model_providers.scripted.base_url="http://127.0.0.1:9/v1"',
    ]);
  });

  it('omits the schema and --json when asked, overrides the sandbox, and leaves CODEX_HOME alone without a home', () => {
    const config = buildConfig({}, ctx);
    const c = buildCodexArgs({
      config,
      model: 'gpt-5',
      worktree: '/wt',
      outputFile: '/o',
      sandbox: 'workspace-write',
      json: false,
    });
    // The default command `codex`: the native binary when PATH has the npm launcher (npx puts ours there), else as given.
    const native = nativeCodex('codex');
    expect(c.command).toBe(native?.path ?? 'codex');
    expect(c.env).toEqual({ ...native?.env });
    expect(c.args).not.toContain('--output-schema');
    expect(c.args).not.toContain('--json');
    expect(c.args.slice(c.args.indexOf('-s'), c.args.indexOf('-s') + 2)).toEqual(['-s', 'workspace-write']);
  });

  it('a workspace-write agent may write its worktree and its own TMPDIR, not /tmp; the person’s [codex.config] still wins', () => {
    const config = buildConfig(
      { codex: { command: '/opt/codex', config: { sandbox_workspace_write: { network_access: false } } } },
      ctx,
    );
    const c = buildCodexArgs({
      config,
      model: 'm',
      worktree: '/tmp/mminions-run-1-w5',
      outputFile: '/o',
      sandbox: 'workspace-write',
      tmpDir: '/runs/run-1/tmp/fix-w5',
    });
    const settings = c.args.filter((_, i) => c.args[i - 1] === '-c');
    expect(settings).toEqual([
      'approval_policy="never"',
      'sandbox_workspace_write.exclude_slash_tmp=true',
      'sandbox_workspace_write.exclude_tmpdir_env_var=true',
      'sandbox_workspace_write.writable_roots=[ "/runs/run-1/tmp/fix-w5" ]',
      'sandbox_workspace_write.network_access=false',
    ]);
    expect(c.env).toEqual({ TMPDIR: '/runs/run-1/tmp/fix-w5' });
    expect(c.resumeArgs).toEqual([...c.args.slice(0, 1), ...c.args.slice(2), 'resume']);
    // A read-only agent writes nothing anyway: no extra settings, no TMPDIR.
    const ro = buildCodexArgs({ config, model: 'm', worktree: '/wt', outputFile: '/o', sandbox: 'read-only', tmpDir: '/t' });
    expect(ro.args.join(' ')).not.toContain('exclude_slash_tmp');
    expect(ro.env).toEqual({});
  });
});
