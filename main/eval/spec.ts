// The bug-fix eval spec: a bug with a known fix, the oracle that tells them apart, and how to build and prompt (zod schema + loader).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const EVAL_MODES = ['offline', 'live'] as const;
export type EvalMode = (typeof EVAL_MODES)[number];

export const CLASSIFICATIONS = ['bug_present', 'fixed', 'unclassified', 'error'] as const;
/** What an oracle run says: the bug shows, the fix shows, neither (or both), or the oracle could not run. */
export type Classification = (typeof CLASSIFICATIONS)[number];

export class EvalSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalSpecError';
  }
}

const isRegex = (s: string): boolean => {
  try {
    new RegExp(s, 'm');
    return true;
  } catch {
    return false;
  }
};

const revision = (key: string) =>
  z
    .string({ error: `${key}: expected a commit id or revision` })
    .regex(/^[A-Za-z0-9_./~^@{}-]{1,200}$/, {
      error: `${key}: expected a commit id or revision such as "9f0519e8…", "HEAD~1" or a tag`,
    })
    .refine((s) => !s.startsWith('-'), { error: `${key}: a revision may not start with "-"` });

const seconds = (key: string) =>
  z
    .number({ error: `${key}: expected a whole number of seconds > 0` })
    .int({ error: `${key}: expected a whole number of seconds > 0` })
    .positive({
      error: `${key}: expected a whole number of seconds > 0`,
    });

/** A path inside the repository, as git prints it: relative, forward slashes, no "..". A trailing "/" names a folder. */
const repoPath = z
  .string({ error: 'expected a path relative to the repository root' })
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..' || s === '.'), {
    error:
      'expected a path relative to the repository root, with "/" separators and no "." or ".." parts (e.g. "numpy/_core/numeric.py")',
  });

/** How an oracle run is recognized: every given condition must hold. */
export const OracleMatcher = z
  .object({
    /** A JavaScript regular expression (multiline) searched in the combined stdout+stderr. */
    output_matches: z.string().min(1).refine(isRegex, { error: 'output_matches: not a valid regular expression' }).optional(),
    exit_code: z.number().int().optional(),
  })
  .strict()
  .refine((m) => m.output_matches !== undefined || m.exit_code !== undefined, {
    error: 'a matcher needs "output_matches" and/or "exit_code"',
  });
export type OracleMatcher = z.infer<typeof OracleMatcher>;

export const OracleSpec = z
  .object({
    /** Shell command (sh -c). Gets EVAL_PYTHON, EVAL_WORKTREE, EVAL_ENV_DIR, EVAL_ROLE and EVAL_ORACLE_SCRIPT. */
    command: z.string().min(1, { error: 'oracle.command: expected a shell command' }),
    /** Optional script text, written to a file whose path is $EVAL_ORACLE_SCRIPT. */
    script: z.string().min(1).optional(),
    /** Where the command runs: the worktree (default) or the worktree's private env folder (e.g. to import an installed package, not its source). */
    cwd: z.enum(['worktree', 'env_dir']).default('worktree'),
    timeout_sec: seconds('oracle.timeout_sec').default(120),
    bug_present: OracleMatcher,
    fixed: OracleMatcher,
  })
  .strict();
export type OracleSpec = z.infer<typeof OracleSpec>;

export const SetupSpec = z
  .object({
    /** Run in order in each worktree (live mode only), before its oracle; same variables as the oracle. */
    commands: z.array(z.string().min(1)).default([]),
    /** Bound on each command. */
    timeout_sec: seconds('setup.timeout_sec').default(600),
    notes: z.string().optional(),
  })
  .strict();
export type SetupSpec = z.infer<typeof SetupSpec>;

/** A recorded oracle run at the bug commit: what offline mode uses instead of running the oracle. */
export const OracleFixture = z
  .object({
    exit_code: z.number().int().nullable(),
    output: z.string(),
    /** What the output was classified as when recorded; offline mode checks the matchers still agree. */
    classification: z.enum(CLASSIFICATIONS).optional(),
    /** Where the recording comes from (provenance, free text). */
    recorded: z.string().optional(),
  })
  .strict();
export type OracleFixture = z.infer<typeof OracleFixture>;

export const EvalSpec = z
  .object({
    /** Names the artifact folders: eval-<name>-YYYYMMDDHHMMSS. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'name: lower-case letters, digits, ".", "_" and "-" (at most 64)' }),
    description: z.string().optional(),
    issue_url: z.string().url({ error: 'issue_url: expected a URL' }),
    bug_commit: revision('bug_commit'),
    fix_commit: revision('fix_commit'),
    /** The fix must touch at least one of these (the reference fix does). */
    expected_files: z.array(repoPath).min(1, { error: 'expected_files: name at least one file the fix touches' }),
    /** Interpreter version for $EVAL_PYTHON (a uv venv when uv is there, else the closest python on PATH). */
    python_version: z
      .string()
      .regex(/^3(\.\d+){0,2}$/, { error: 'python_version: expected a Python 3 version such as "3.12"' })
      .default('3.12'),
    setup: SetupSpec.default({ commands: [], timeout_sec: 600 }),
    oracle: OracleSpec,
    /** The task given to the agent, after the ROLE/WORKER lines and the issue URL. */
    fix_prompt: z.string().min(1, { error: 'fix_prompt: expected the task for the agent' }),
    agent: z
      .object({ timeout_sec: seconds('agent.timeout_sec').default(900) })
      .strict()
      .default({ timeout_sec: 900 }),
    max_runtime_sec: seconds('max_runtime_sec').default(1800),
    before_oracle_fixture: OracleFixture,
  })
  .strict();
export type EvalSpec = z.infer<typeof EvalSpec>;
export type EvalSpecInput = z.input<typeof EvalSpec>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.');
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => (key ? `${key}.${k}` : k)).join(', ')}`;
  if (!key) return issue.message;
  // Our messages start with the key's last part ("timeout_sec: …"): show the whole path instead.
  const last = `${String(issue.path[issue.path.length - 1])}:`;
  const message = issue.message.startsWith(last) ? issue.message.slice(last.length).trimStart() : issue.message;
  return `${key}: ${message}`;
}

/** Validates a parsed spec; `where` names its source in errors. */
export function parseEvalSpec(raw: unknown, where = 'eval spec'): EvalSpec {
  const parsed = EvalSpec.safeParse(raw);
  if (!parsed.success) throw new EvalSpecError(`${where}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  return parsed.data;
}

export async function loadEvalSpec(path: string): Promise<EvalSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EvalSpecError(
      code === 'ENOENT' ? `eval spec not found: ${path}` : `cannot read eval spec ${path}: ${(err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new EvalSpecError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseEvalSpec(raw, path);
}
