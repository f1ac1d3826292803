// Reads a request body as JSON, refusing more than 1 MB (413) and anything that is not JSON (400).
import type { IncomingMessage } from 'node:http';
import { MAX_BODY_BYTES } from '../../common/api';
import { HttpError } from './http';

/** After refusing a body, keep draining this much more so the client can read the 413; then hang up. */
const DRAIN_LIMIT = 16 * MAX_BODY_BYTES;

function tooLarge(size: number | null, limit: number): HttpError {
  const what = size === null ? 'the request body is larger than' : `the request body is ${size} bytes; more than`;
  return new HttpError(
    413,
    `${what} the ${limit}-byte (1 MB) limit: send less (large issue text belongs in an issue_file)`,
    { limit },
    { Connection: 'close' },
  );
}

/** Drains the rest of a refused body without keeping it (up to a bound), so the error response can be read. */
function discard(req: IncomingMessage, seen: number): void {
  let n = seen;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    n += c.length;
    if (n > DRAIN_LIMIT) req.destroy();
  });
  req.resume();
}

/** A body must arrive within this time: a client that trickles one keeps a connection and memory. */
export const BODY_TIMEOUT_MS = 10_000;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, 0);
    return Promise.reject(tooLarge(declared, limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.removeAllListeners('data');
      req.pause();
      reject(
        new HttpError(408, `the request body did not arrive within ${timeoutMs / 1000} s`, undefined, { Connection: 'close' }),
      );
    }, timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        discard(req, size);
        reject(tooLarge(null, limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(new HttpError(400, `could not read the request body: ${e.message}`));
    });
  });
}

/** The body parsed as JSON; an empty body is `{}` when `allowEmpty`, else 400. */
export async function readJsonBody(req: IncomingMessage, opts: { allowEmpty?: boolean; limit?: number } = {}): Promise<unknown> {
  const buf = await readBody(req, opts.limit);
  const text = buf.toString('utf8');
  if (!text.trim()) {
    if (opts.allowEmpty) return {};
    throw new HttpError(400, 'expected a JSON object in the request body (it was empty)');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the request body is not valid JSON: ${(err as Error).message}`);
  }
}
