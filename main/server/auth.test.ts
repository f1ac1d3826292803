import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHosts, checkHost, checkOrigin, checkToken, isLoopbackHost, requestToken, tokensEqual } from './auth';
import type { HttpError } from './http';
import { checkBind } from './options';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return (err as HttpError).status;
  }
};

describe('auth checks', () => {
  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });

  it('reads the token from the Bearer header first, then ?token=', () => {
    expect(requestToken('Bearer t1', new URLSearchParams('token=t2'))).toBe('t1');
    expect(requestToken('bearer   t1 ', new URLSearchParams())).toBe('t1');
    expect(requestToken(undefined, new URLSearchParams('token=t2'))).toBe('t2');
    expect(requestToken('Basic abc', new URLSearchParams())).toBeNull();
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.com', '127.0.0.1.evil.com'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('allows only Host headers naming this server', () => {
    const guard = { hosts: allowedHosts('127.0.0.1', 8088), token: 't' };
    expect([...guard.hosts].sort()).toEqual(['127.0.0.1:8088', '[::1]:8088', 'localhost:8088']);
    expect(status(() => checkHost(req({ host: 'localhost:8088' }), guard))).toBe(200);
    expect(status(() => checkHost(req({ host: 'evil.com:8088' }), guard))).toBe(403);
    expect(status(() => checkHost(req({}), guard))).toBe(403);
    expect(allowedHosts('::1', 9).has('[::1]:9')).toBe(true);
    expect(allowedHosts('0.0.0.0', 9, ['10.0.0.5']).has('10.0.0.5:9')).toBe(true);
    expect(allowedHosts('0.0.0.0', 9).has('0.0.0.0:9')).toBe(false);
  });

  it('allows no Origin or exactly this origin', () => {
    expect(status(() => checkOrigin(req({}), '127.0.0.1:8088'))).toBe(200);
    expect(status(() => checkOrigin(req({ origin: 'http://127.0.0.1:8088' }), '127.0.0.1:8088'))).toBe(200);
    expect(status(() => checkOrigin(req({ origin: 'http://evil.com' }), '127.0.0.1:8088'))).toBe(403);
    expect(status(() => checkOrigin(req({ origin: 'null' }), '127.0.0.1:8088'))).toBe(403);
  });

  it('401s a missing or wrong token', () => {
    const guard = { hosts: new Set<string>(), token: 'secret-token-123456' };
    expect(status(() => checkToken(req({}), new URLSearchParams(), guard))).toBe(401);
    expect(status(() => checkToken(req({ authorization: 'Bearer nope' }), new URLSearchParams(), guard))).toBe(401);
    expect(status(() => checkToken(req({}), new URLSearchParams('token=secret-token-123456'), guard))).toBe(200);
  });

  it('binds loopback freely and anything else only when allowed, with a warning', () => {
    expect(checkBind('127.0.0.1', 0, false)).toBeNull();
    expect(checkBind('::1', 8088, false)).toBeNull();
    expect(() => checkBind('0.0.0.0', 8088, false)).toThrow(/--allow-remote/);
    expect(checkBind('0.0.0.0', 8088, true)).toMatch(/^warning: /);
    expect(() => checkBind('127.0.0.1', 70000, false)).toThrow(/--port/);
  });
});
