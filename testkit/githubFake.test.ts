import { describe, expect, it } from 'vitest';
import { startGithubFake } from './githubFake';

describe('startGithubFake', () => {
  it('serves issues under any API prefix and records requests', async () => {
    const fake = await startGithubFake({ issues: { 'o/r#1': { title: 't', number: 1 } } });
    try {
      const ok = await fetch(`${fake.url}/api/v3/repos/o/r/issues/1`, { headers: { 'x-test': 'yes' } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ title: 't', number: 1 });
      expect(ok.headers.get('x-ratelimit-remaining')).toBe('59');
      const missing = await fetch(`${fake.url}/repos/o/r/issues/2`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ message: 'Not Found' });
      expect(fake.requests.map((r) => r.path)).toEqual(['/api/v3/repos/o/r/issues/1', '/repos/o/r/issues/2']);
      expect(fake.requests[0]!.headers['x-test']).toBe('yes');
    } finally {
      await fake.close();
    }
  });

  it('closes promptly while a delayed request is in flight', async () => {
    const fake = await startGithubFake({ issues: {}, delayMs: 60_000 });
    const pending = fetch(`${fake.url}/repos/o/r/issues/1`).then(
      () => 'answered',
      () => 'dropped',
    );
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await fake.close();
    expect(await pending).toBe('dropped');
  });
});
