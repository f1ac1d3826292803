// Serves the built dashboard (out/renderer) with security headers; explains how to build it when it is missing.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { HttpError, sendText } from './http';

/** The renderer's CSP (renderer/index.html); used when the built page carries none. */
export const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:* ws://localhost:* http://localhost:*";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page's CSP (from its meta tag, else the renderer's), plus what only a header can say. */
export function pageCsp(indexHtml: string | null): string {
  const m = indexHtml
    ? /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(?:"([^"]*)"|'([^']*)')/i.exec(indexHtml)
    : null;
  const base = (m?.[1] ?? m?.[2] ?? DEFAULT_CSP).trim().replace(/;\s*$/, '');
  return `${base}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
}

/** The file a request path names inside `root`, or null when it would leave it or names a hidden file. */
export function staticFile(root: string, segments: readonly string[]): string | null {
  const parts = segments.filter((s, i) => !(s === '' && i === segments.length - 1));
  if (parts.length === 0) return join(root, 'index.html');
  for (const s of parts) {
    if (s === '' || s.startsWith('.') || s.includes('/') || s.includes('\\') || s.includes('\0')) return null;
  }
  const full = resolve(root, ...parts);
  return full.startsWith(root + sep) ? full : null;
}

export class StaticFiles {
  readonly root: string;
  readonly csp: string;

  constructor(root: string) {
    this.root = resolve(root);
    const index = join(this.root, 'index.html');
    this.csp = pageCsp(existsSync(index) ? readFileSync(index, 'utf8') : null);
  }

  get built(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  async serve(req: IncomingMessage, res: ServerResponse, segments: readonly string[]): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(
        405,
        `${req.method} is not allowed here; the dashboard is read with GET`,
        { allow: ['GET', 'HEAD'] },
        { Allow: 'GET, HEAD' },
      );
    }
    if (!this.built) {
      sendText(
        res,
        503,
        `mminions: the dashboard is not built (${join(this.root, 'index.html')} is missing).\n` +
          'Build it with `npm run build` (or `npx electron-vite build`) in the mminions folder, then reload.\n' +
          'The API works meanwhile: see docs/api.md.\n',
        'text/plain; charset=utf-8',
        { 'Content-Security-Policy': this.csp },
      );
      return;
    }
    let file = staticFile(this.root, segments);
    if (!file) throw new HttpError(404, `not found: /${segments.join('/').slice(0, 200)}`);
    let st = await stat(file).catch(() => null);
    if (!st?.isFile()) {
      // A client-side route (no extension) gets the page; a missing asset is a 404.
      const last = segments[segments.length - 1] ?? '';
      if (extname(last) || segments[0] === 'assets') throw new HttpError(404, `not found: /${segments.join('/').slice(0, 200)}`);
      file = join(this.root, 'index.html');
      st = await stat(file);
    }
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const hashed = file.startsWith(join(this.root, 'assets') + sep);
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': String(st.size),
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-store',
      ...(type.startsWith('text/html') ? { 'Content-Security-Policy': this.csp } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}
