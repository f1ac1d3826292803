import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CSP, pageCsp, staticFile } from './static';
import { startTestServer, type TestServer } from '../../testkit/testServer';

describe('pageCsp and staticFile', () => {
  it("takes the page's own CSP and adds what only a header can carry", () => {
    const csp = pageCsp(`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src data:" />`);
    expect(csp).toBe("default-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    expect(pageCsp(null)).toContain(DEFAULT_CSP);
    expect(pageCsp('<html></html>')).toContain("script-src 'self'");
  });

  it('maps paths inside the root and refuses anything that could leave it', () => {
    expect(staticFile('/srv/ui', [''])).toBe('/srv/ui/index.html');
    expect(staticFile('/srv/ui', ['assets', 'a.js'])).toBe('/srv/ui/assets/a.js');
    for (const segs of [['..', 'etc'], ['a', '..', '..', 'x'], ['..%2F'], ['.env'], ['a/../../b'], ['a\\..\\b'], ['x\0']]) {
      const f = staticFile('/srv/ui', segs);
      if (f !== null) expect(f.startsWith('/srv/ui/')).toBe(true);
      if (segs.some((s) => s.startsWith('.') || s.includes('/') || s.includes('\\') || s.includes('\0'))) expect(f).toBeNull();
    }
  });
});

describe('the dashboard', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dashboard: true });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('serves the page without a token, with the security headers', async () => {
    const r = await t.req(`/?token=${t.server.token}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('DASHBOARD-PAGE');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('serves hashed assets with long caching, client routes as the page, missing assets as 404', async () => {
    const js = await t.req('/assets/app-1234.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.text).toContain('DASHBOARD-SCRIPT');
    expect((await t.req('/runs/run-1')).text).toContain('DASHBOARD-PAGE');
    expect((await t.req('/assets/missing.js')).status).toBe(404);
    expect((await t.req('/favicon.ico')).status).toBe(404);
    const head = await t.req('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('explains how to build the dashboard when out/renderer is missing', async () => {
    const bare = await startTestServer();
    try {
      const r = await bare.req('/');
      expect(r.status).toBe(503);
      expect(r.text).toMatch(/dashboard is not built/);
      expect(r.text).toMatch(/npm run build/);
      expect(r.text).toContain(join(bare.dir, 'no-dashboard', 'index.html'));
      expect((await bare.req('/health')).status).toBe(200);
    } finally {
      await bare.cleanup();
    }
  });
});
