// A loopback fake of GitHub's issues REST API (GET .../repos/<owner>/<repo>/issues/<n>) for tests.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubFakeOptions {
  /**
   * Issues by "owner/repo#n". An object is served as JSON; a string is served verbatim as
   * text/html (to test answers that are not JSON).
   */
  issues: Record<string, object | string>;
  /** When set, requests must carry `Authorization: Bearer <token>` (or `token <token>`), else 401. */
  requireToken?: string;
  /** Every request gets 403 with x-ratelimit-remaining: 0. */
  rateLimited?: boolean;
  /** Epoch seconds sent as x-ratelimit-reset; default: one hour from now. */
  rateLimitReset?: number;
  /** Delay before answering, to test client timeouts. */
  delayMs?: number;
}

export interface GithubFakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface GithubFake {
  /** API base URL, e.g. http://127.0.0.1:PORT (use as github.api_url). */
  url: string;
  requests: GithubFakeRequest[];
  /** Adds or replaces an issue while the fake runs. */
  setIssue(key: string, issue: object | string): void;
  close(): Promise<void>;
}

// Any prefix is allowed so the fake also stands in for GitHub Enterprise's /api/v3 base.
const ISSUE_PATH = /\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/?$/;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startGithubFake(opts: GithubFakeOptions): Promise<GithubFake> {
  const issues = new Map(Object.entries(opts.issues));
  const requests: GithubFakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (method: string, path: string, headers: IncomingHttpHeaders, res: ServerResponse) => {
    const reset = String(opts.rateLimitReset ?? Math.floor(Date.now() / 1000) + 3600);
    const rate = {
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': opts.rateLimited ? '0' : '59',
      'x-ratelimit-reset': reset,
    };
    if (opts.rateLimited) {
      sendJson(
        res,
        403,
        { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/rate-limit' },
        rate,
      );
      return;
    }
    if (opts.requireToken !== undefined) {
      const auth = headers.authorization ?? '';
      if (auth !== `Bearer ${opts.requireToken}` && auth !== `token ${opts.requireToken}`) {
        sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }, rate);
        return;
      }
    }
    const m = method === 'GET' ? ISSUE_PATH.exec(path.split('?')[0] ?? '') : null;
    const issue = m ? issues.get(`${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}#${m[3]}`) : undefined;
    if (issue === undefined) {
      sendJson(
        res,
        404,
        { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/issues/issues#get-an-issue' },
        rate,
      );
    } else if (typeof issue === 'string') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...rate });
      res.end(issue);
    } else {
      sendJson(res, 200, issue, rate);
    }
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({ method, path, headers: req.headers });
    req.resume();
    if (opts.delayMs && opts.delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) answer(method, path, req.headers, res);
      }, opts.delayMs);
      timers.add(t);
    } else {
      answer(method, path, req.headers, res);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setIssue: (key, issue) => void issues.set(key, issue),
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        timers.clear();
        server.close(() => resolve());
        // Keep-alive and delayed requests would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
