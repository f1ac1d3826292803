// Requests to a run's manager from outside it (send, from the CLI and the API), as files in the run's control/ folder, and its answers.
import { randomUUID } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** What is asked: a line for a worker (a follow-up) or for the manager (a command). */
export const ControlRequest = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/), worker: z.string().max(64), text: z.string() });
export type ControlRequest = z.infer<typeof ControlRequest>;

/** The manager's answer: delivered, or refused with an HTTP-like status and a message for a person. */
export const ControlResponse = z.union([
  z.object({ ok: z.literal(true), delivered: z.enum(['followup', 'command']), message: z.string() }),
  z.object({ ok: z.literal(false), status: z.union([z.literal(400), z.literal(404), z.literal(409)]), error: z.string() }),
]);
export type ControlResponse = z.infer<typeof ControlResponse>;

const REQUEST = /^([0-9a-f-]{36})\.req\.json$/;

export function controlDir(runDir: string): string {
  return join(runDir, 'control');
}

async function writeAtomic(path: string, data: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(data));
  await rename(tmp, path);
}

export class ControlTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlTimeout';
  }
}

/**
 * How long a sender waits for the manager's answer by default: longer than anything the manager
 * does before it answers (a follow-up waits up to 10 s for a starting agent's thread), so a 503
 * means the manager is not serving, never "delivered after all".
 */
export const ASK_TIMEOUT_MS = 20_000;

/**
 * Asks the run's manager and waits for its answer (at most `timeoutMs`). The request is removed
 * when no answer comes, so a manager that comes back later does not act on a stale one.
 */

export async function askManager(
  runDir: string,
  req: Omit<ControlRequest, 'id'>,
  o: { timeoutMs?: number; pollMs?: number } = {},
): Promise<ControlResponse> {
  const dir = controlDir(runDir);
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const reqPath = join(dir, `${id}.req.json`);
  const resPath = join(dir, `${id}.res.json`);
  await writeAtomic(reqPath, { id, ...req });
  const end = Date.now() + (o.timeoutMs ?? ASK_TIMEOUT_MS);
  try {
    while (Date.now() < end) {
      const text = await readFile(resPath, 'utf8').catch(() => null);
      if (text !== null) {
        await rm(resPath, { force: true });
        return ControlResponse.parse(JSON.parse(text));
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 50));
    }
  } finally {
    await rm(reqPath, { force: true });
  }
  throw new ControlTimeout(`the run's manager did not answer within ${Math.round((o.timeoutMs ?? ASK_TIMEOUT_MS) / 1000)} s`);
}

/**
 * Serves the run's control folder for its manager: each request is handled once, in arrival order,
 * and answered in `<id>.res.json`. A folder watch notices requests at once; a slow poll backs it up.
 * Returns a function that stops serving.
 */
export function serveControl(runDir: string, handle: (req: ControlRequest) => Promise<ControlResponse>): () => void {
  const dir = controlDir(runDir);
  let stopped = false;
  let busy = false;
  let again = false;
  let watcher: FSWatcher | null = null;
  const seen = new Set<string>();
  const scan = async (): Promise<void> => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => REQUEST.test(n)).sort();
        for (const name of names) {
          if (stopped || seen.has(name)) continue;
          seen.add(name);
          const path = join(dir, name);
          const text = await readFile(path, 'utf8').catch(() => null);
          await rm(path, { force: true });
          if (text === null) continue;
          const id = REQUEST.exec(name)![1]!;
          let res: ControlResponse;
          try {
            const parsed = ControlRequest.safeParse(JSON.parse(text));
            res = parsed.success
              ? await handle(parsed.data)
              : { ok: false, status: 400, error: 'a malformed control request (expected {id, worker, text})' };
          } catch (err) {
            res = { ok: false, status: 400, error: `the request could not be handled: ${(err as Error).message}` };
          }
          await writeAtomic(join(dir, `${id}.res.json`), res).catch(() => undefined);
        }
      } while (again && !stopped);
    } finally {
      busy = false;
    }
  };
  void mkdir(dir, { recursive: true }).then(() => {
    if (stopped) return;
    try {
      watcher = watch(dir, () => void scan());
      watcher.on('error', () => undefined);
    } catch {
      // The poll below still serves.
    }
    void scan();
  });
  const poll = setInterval(() => void scan(), 500);
  poll.unref();
  return () => {
    stopped = true;
    clearInterval(poll);
    watcher?.close();
  };
}
