import { describe, expect, it } from 'vitest';
import { type HttpError, matchRoute, parseTarget, type Route } from './http';

const routes: Route<null>[] = [
  { method: 'GET', pattern: '/api/runs', handler: () => undefined },
  { method: 'POST', pattern: '/api/runs', handler: () => undefined },
  { method: 'GET', pattern: '/api/runs/:run/status', handler: () => undefined },
];

const err = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as HttpError;
  }
  throw new Error('expected an error');
};

describe('parseTarget', () => {
  it('decodes segments without normalizing dot segments and keeps the query', () => {
    const t = parseTarget('/api/runs/..%2Fx/status?lines=5&token=a');
    expect(t.segments).toEqual(['api', 'runs', '../x', 'status']);
    expect(t.query.get('lines')).toBe('5');
    expect(parseTarget('/a/../b').segments).toEqual(['a', '..', 'b']);
  });

  it('refuses targets that are not paths and broken percent-encoding', () => {
    expect(err(() => parseTarget('http://evil/x')).status).toBe(400);
    expect(err(() => parseTarget('/api/%E0%A4%A')).status).toBe(400);
  });
});

describe('matchRoute', () => {
  it('matches methods and parameters', () => {
    const m = matchRoute(routes, 'GET', ['api', 'runs', 'run-1', 'status']);
    expect(m.params).toEqual({ run: 'run-1' });
    expect(matchRoute(routes, 'POST', ['api', 'runs']).route.method).toBe('POST');
  });

  it('404s unknown paths, 405s known paths with another method (listing the allowed ones)', () => {
    expect(err(() => matchRoute(routes, 'GET', ['api', 'nope'])).status).toBe(404);
    expect(err(() => matchRoute(routes, 'GET', ['api', 'runs', '', 'status'])).status).toBe(404);
    const e = err(() => matchRoute(routes, 'DELETE', ['api', 'runs']));
    expect(e.status).toBe(405);
    expect(e.headers.Allow).toBe('GET, POST');
  });
});
