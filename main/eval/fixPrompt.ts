// The prompt of the eval's fixing agent (pure): ROLE/WORKER lines first, so a scripted model can match it.
import type { EvalSpec } from './spec';

export const FIXER_ROLE = 'FIXER';
export const FIXER_WORKER = 'eval';

export function buildFixPrompt(spec: Pick<EvalSpec, 'issue_url' | 'fix_prompt' | 'expected_files'>): string {
  return [
    `ROLE: ${FIXER_ROLE}`,
    `WORKER: ${FIXER_WORKER}`,
    '',
    `Issue: ${spec.issue_url}`,
    '',
    spec.fix_prompt.trim(),
    '',
    'Rules:',
    '- Your working directory is a checkout of the repository at the commit that has the bug.',
    '- Fix the bug by editing the source files in place. Leave your changes uncommitted: the patch that is evaluated is `git diff` of this checkout.',
    '- Do not commit, create branches, or edit files outside this checkout. Keep the change focused on the bug.',
    '- When you are done, answer with a short plain-text summary of what you changed and why.',
    '',
  ].join('\n');
}
