// Which URLs may leave the app (GitHub only) and which are the app's own.
import { describe, expect, it } from 'vitest';
import { isAppUrl, isGithubUrl } from './links';

describe('links', () => {
  it('lets only https GitHub pages out', () => {
    expect(isGithubUrl('https://github.com/acme/repo/issues/1')).toBe(true);
    expect(isGithubUrl('https://www.github.com/acme')).toBe(true);
    for (const bad of [
      'http://github.com/a',
      'https://github.com.evil.example/a',
      'https://user:pw@github.com/a',
      'https://github.com:8443/a',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(isGithubUrl(bad), bad).toBe(false);
    }
  });

  it('recognizes pages of the status server by origin', () => {
    expect(isAppUrl('http://127.0.0.1:4000/#/runs/x', 'http://127.0.0.1:4000')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:4001/', 'http://127.0.0.1:4000')).toBe(false);
    expect(isAppUrl('http://localhost:4000/', 'http://127.0.0.1:4000')).toBe(false);
    expect(isAppUrl('garbage', 'http://127.0.0.1:4000')).toBe(false);
  });
});
