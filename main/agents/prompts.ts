// Agent prompts (repro, triage, reducer, fix): pure text builders carrying the issue and the rules.
import type { IssueSpec } from '../../common/artifacts';

/** The longest issue body a prompt carries; longer bodies are cut with a note. */
export const MAX_BODY_CHARS = 20_000;

/** The issue fields an agent sees (the prompt's `ISSUE (JSON)` block). */
export interface PromptIssue {
  title: string;
  body: string;
  labels: string[];
  signals: IssueSpec['signals'];
  expected_failure_signals: string[];
  constraints: string[];
  target_paths: string[];
}

export interface MinimalReproForTriage {
  script: string;
  oracle_command: string;
  claimed_failure_signature: string;
  failure_output_tail?: string;
  repo_frames?: string[];
}

export function issueForPrompt(issue: IssueSpec): PromptIssue {
  const cut = issue.body.length - MAX_BODY_CHARS;
  return {
    title: issue.title,
    body: cut > 0 ? `${issue.body.slice(0, MAX_BODY_CHARS)}\n[... ${cut} more characters cut]` : issue.body,
    labels: issue.labels,
    signals: issue.signals,
    expected_failure_signals: issue.expected_failure_signals,
    constraints: issue.constraints,
    target_paths: issue.target_paths,
  };
}

/** The line before a person's follow-up in the message an agent gets (the scripted model finds follow-ups by it). */
export const FOLLOWUP_HEADER = 'FOLLOW-UP FROM A PERSON';

/** What an agent gets as a follow-up turn: the person's text, and what to do with it. */
export function followUpMessage(text: string): string {
  return `\n\n${FOLLOWUP_HEADER} (take it into account, then answer again in the same JSON shape as before):\n${text}\n`;
}

function header(role: string, workerId: string): string {
  return `ROLE: ${role}\nWORKER: ${workerId}\n`;
}

function jsonBlock(label: string, value: unknown): string {
  return `${label} (JSON):\n${JSON.stringify(value, null, 2)}\n`;
}

function rules(lines: string[]): string {
  return `Rules:\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
}

function sections(...parts: string[]): string {
  return parts.join('\n');
}

export function reproPrompt(o: { workerId: string; issue: IssueSpec; repoPath: string }): string {
  return sections(
    header('REPRO_BUILDER', o.workerId),
    `You are a repro worker. Write a minimal, deterministic reproducer for the issue below, against the repository checked out at ${o.repoPath} (your working directory).\n`,
    jsonBlock('ISSUE', issueForPrompt(o.issue)),
    rules([
      'Minimal deterministic setup: the smallest script that triggers the reported failure; no network, no randomness, no timing dependence, nothing outside the repository.',
      'The oracle command must fail loudly while the bug is present: a non-zero exit code, with the failure (exception type and message, or the failed assertion) visible in the last lines of its output.',
      'Write `{repro_file}` in oracle_command where the path of your script goes and `{python}` where the Python interpreter goes (e.g. "{python} {repro_file}"). The manager saves `script` to that file and runs the command from the repository root.',
      "Where the script runs and how it imports the code under test: the working directory is the repository root. Python: the script is saved under `.mminions/` and the repository root is on PYTHONPATH, so `import <package>` imports the repository's own code. JavaScript/TypeScript (js, mjs, cjs, ts): the script is saved at the repository root, so the package resolves by its own name (`require('<name in package.json>')`, `import x from '<name>'` in .mjs) and by relative path (`require('./lib/x')`); the user's installed node_modules are available read-only when they exist.",
      "The failure must happen in the repository's code, as in the issue: a script that raises the issue's exception in its own code, or only prints the issue's error text, is rejected.",
      'setup_commands: commands run once, in order, before the oracle (e.g. building or installing the package); [] when none are needed. Everything runs in a sandbox: only the repository folder is writable, HOME is empty, and oracle runs have no network.',
      'claimed_failure_signature: the failure line you expect, e.g. "ValueError: cannot be empty".',
      'file_extension: the script\'s extension without the dot, e.g. "py", "js", "sh".',
      "Do not edit the repository's code and do not fix the bug. You may read files and run commands to explore.",
    ]),
    'Answer ONLY with one JSON object of this shape (no prose, no code fences):',
    `{"candidate_id": "${o.workerId}-candidate", "script": "...", "setup_commands": [], "oracle_command": "{python} {repro_file}", "claimed_failure_signature": "...", "file_extension": "py"}\n`,
  );
}

export function triagePrompt(o: { workerId: string; issue: IssueSpec; minimalRepro: MinimalReproForTriage }): string {
  const r = o.minimalRepro;
  const repro = {
    script: r.script,
    oracle_command: r.oracle_command,
    claimed_failure_signature: r.claimed_failure_signature,
    failure_output_tail: r.failure_output_tail ?? '',
    repo_frames: r.repo_frames ?? [],
  };
  return sections(
    header('TRIAGER', o.workerId),
    'You are a triage worker. Find the root cause of the issue below in the repository (your working directory). The minimal reproducer shows the failure; its repo_frames are the repository lines its failure passes through.\n',
    jsonBlock('ISSUE', issueForPrompt(o.issue)),
    jsonBlock('MINIMAL REPRO', repro),
    rules([
      'Propose 1 to 3 root-cause hypotheses, best first. Each has: hypothesis_id; mechanism (how the code produces this failure); evidence; confidence; disconfirming_checks.',
      'evidence: at least one row per hypothesis, {"file": repository-relative path such as "src/pkg/mod.py", "line": 1-based line number, "snippet": the exact source text of that line, copied, not paraphrased}.',
      'confidence: a number in [0, 1].',
      'disconfirming_checks: concrete checks that would prove the hypothesis wrong (a command to run, a value to inspect, an input to try).',
      'No fixes, no patches, no edits to any file. You may read the code and run the reproducer.',
    ]),
    'Answer ONLY with one JSON object of this shape (no prose, no code fences):',
    `{"hypotheses": [{"hypothesis_id": "${o.workerId}-h1", "mechanism": "...", "evidence": [{"file": "...", "line": 1, "snippet": "..."}], "confidence": 0.7, "disconfirming_checks": ["..."]}]}\n`,
  );
}

export function reducerPrompt(o: {
  issue: IssueSpec;
  script: string;
  oracle_command: string;
  claimed_failure_signature: string;
  file_extension: string;
  repo_frames: string[];
}): string {
  const frames =
    o.repo_frames.length > 0
      ? o.repo_frames.map((f) => `  ${f}`).join('\n')
      : '  (none recorded: keep every call into the repository code)';
  return sections(
    header('REDUCER', 'manager'),
    'You reduce a bug reproducer. Return a shorter script that still fails the same way through the same repository code.\n',
    jsonBlock('ISSUE', issueForPrompt(o.issue)),
    jsonBlock('REPRODUCER', {
      file_extension: o.file_extension,
      oracle_command: o.oracle_command,
      claimed_failure_signature: o.claimed_failure_signature,
      repo_frames: o.repo_frames,
      script: o.script,
    }),
    rules([
      `Keep the same failure (${o.claimed_failure_signature}) when run by the same oracle command.`,
      `Keep the same root-cause path through the repository code: the failure must still pass through these repository frames:\n${frames}`,
      'Remove noise: unrelated imports, setup, prints, comments, extra cases, dead code.',
      'Never replace the call into the repository with code that imitates the bug (turning `median([])` into `[][0]` raises the same error but no longer exercises the bug).',
      `Keep it runnable as it is: same language (.${o.file_extension}), same way of being invoked.`,
    ]),
    'Answer ONLY with one JSON object of this shape (no prose, no code fences):',
    '{"script": "..."}\n',
  );
}

export interface HypothesisForFix {
  hypothesis_id: string;
  mechanism: string;
  evidence: Array<{ file: string; line: number; snippet: string }>;
}

export function fixPrompt(o: {
  workerId: string;
  issue: IssueSpec;
  minimalRepro: { script: string; file_extension: string; oracle_command: string; failure_output_tail: string };
  hypothesis: HypothesisForFix;
}): string {
  return sections(
    header('FIXER', o.workerId),
    'You are a fix worker. Fix the bug of the issue below in the repository (your working directory), following the root-cause hypothesis you are given, and write a check that proves it.\n',
    jsonBlock('ISSUE', issueForPrompt(o.issue)),
    jsonBlock('MINIMAL REPRO', o.minimalRepro),
    jsonBlock('HYPOTHESIS', o.hypothesis),
    rules([
      "Edit the repository's source files in place to fix the bug; leave the changes uncommitted. Your patch is what you changed in this checkout (`git diff`), not text in your answer. Keep it focused: the smallest change that fixes the root cause.",
      'Put any scratch file (e.g. the repro saved to run it) under `.mminions/`: that folder is never part of the patch. Do not edit only tests: a patch must change the code.',
      "After the fix, running the minimal repro must no longer show the issue's failure: it exits 0, or it ends with the behaviour the issue asks for (e.g. a clear error raised by the code on purpose).",
      'check: a short script asserting the behaviour the issue asks for, the test a maintainer would add. It must FAIL (non-zero exit) on the code as it was and PASS (exit 0) with your fix. `command` runs it from the repository root: write `{check_file}` where its path goes and `{python}` for the Python interpreter (e.g. "{python} {check_file}"); `file_extension` without the dot. The check is run separately; it is not part of the patch.',
      'files_changed: the repository-relative paths you changed. hypothesis_id: the id of the hypothesis above (or of the one you found to be right instead).',
      'Everything runs in a sandbox: only this checkout is writable and there is no network.',
    ]),
    'Answer ONLY with one JSON object of this shape (no prose, no code fences):',
    `{"fix_id": "${o.workerId}-fix", "hypothesis_id": "${o.hypothesis.hypothesis_id}", "summary": "...", "files_changed": ["..."], "check": {"script": "...", "file_extension": "py", "command": "{python} {check_file}"}}\n`,
  );
}
