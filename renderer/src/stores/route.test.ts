import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './route';

describe('route', () => {
  it('round-trips routes through the hash', () => {
    for (const r of [{ view: 'home' }, { view: 'new' }, { view: 'run', runId: 'run-20250101-2', tab: 'metrics' }] as const) {
      expect(parseHash(formatHash(r))).toEqual(r);
    }
  });

  it('falls back safely on odd hashes', () => {
    expect(parseHash('')).toEqual({ view: 'home' });
    expect(parseHash('#/runs/run-1/bogus')).toEqual({ view: 'run', runId: 'run-1', tab: 'overview' });
    expect(parseHash('#/runs/..%2Fetc')).toEqual({ view: 'home' });
    expect(parseHash('#/runs/.hidden')).toEqual({ view: 'home' });
  });
});
