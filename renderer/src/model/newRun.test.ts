import { describe, expect, it } from 'vitest';
import { fieldErrorsOfServer, formFromDefaults, validateNewRun, type NewRunForm } from './newRun';

const good: NewRunForm = {
  issueMode: 'url',
  issueUrl: ' https://github.com/acme/statsmini/issues/7 ',
  issueText: '',
  repoPath: '/src/statsmini',
  workers: '3',
  fixWorkers: '0',
  timeoutSec: '600',
  workerModel: 'gpt-5.2-codex',
  managerModel: '',
};

describe('validateNewRun', () => {
  it('builds the request from a valid form (trimmed, numbers, empty models left out)', () => {
    const { errors, request } = validateNewRun(good);
    expect(errors).toEqual({});
    expect(request).toEqual({
      issue_url: 'https://github.com/acme/statsmini/issues/7',
      repo_path: '/src/statsmini',
      workers: 3,
      fix_workers: 0,
      timeout_sec: 600,
      worker_model: 'gpt-5.2-codex',
    });
  });

  it('explains every bad field and sends nothing', () => {
    const { errors, request } = validateNewRun({
      ...good,
      issueUrl: 'https://github.com/acme/statsmini/pull/7',
      repoPath: 'src/x',
      workers: '9',
      fixWorkers: '-1',
      timeoutSec: '30',
      workerModel: 'gpt 5',
    });
    expect(request).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['fixWorkers', 'issueUrl', 'repoPath', 'timeoutSec', 'workerModel', 'workers']);
    expect(errors.fixWorkers).toBe('expected an integer 0..6 (0 turns the fix phase off)');
    // The API's own rules and words (common/api.ts), without the field name the form shows beside them.
    expect(errors.issueUrl).toMatch(/^expected the URL of an issue.*pull request/);
    expect(errors.repoPath).toMatch(/^expected an absolute path/);
    expect(errors.workers).toBe('expected an integer 1..6');
  });

  it('requires the issue in the chosen mode only', () => {
    expect(validateNewRun({ ...good, issueUrl: '' }).errors.issueUrl).toMatch(/give exactly one issue source/);
    const text = validateNewRun({ ...good, issueMode: 'text', issueUrl: 'not checked', issueText: 'Title\nIndexError' });
    expect(text.request).toMatchObject({ issue_text: 'Title\nIndexError' });
    expect(text.request).not.toHaveProperty('issue_url');
    expect(validateNewRun({ ...good, issueMode: 'text', issueText: '   ' }).errors.issueText).toBeTruthy();
    expect(validateNewRun({ ...good, workers: '2.5' }).errors.workers).toBeTruthy();
  });

  it('fills defaults and maps server errors to fields', () => {
    expect(formFromDefaults(null).workers).toBe('2');
    expect(formFromDefaults(null).fixWorkers).toBe('2');
    expect(fieldErrorsOfServer({ issues: [{ path: 'repo_path', message: 'repo_path: /nope does not exist' }] }, 'url')).toEqual({
      repoPath: '/nope does not exist',
    });
    expect(
      fieldErrorsOfServer({ issues: [{ path: 'timeout_sec', message: 'timeout_sec: at most 86400 (one day)' }] }, 'url'),
    ).toEqual({
      timeoutSec: 'at most 86400 (one day)',
    });
    expect(fieldErrorsOfServer({}, 'url')).toEqual({});
  });
});
