// The control folder: requests answered once and in order; a malformed one refused; no manager, no answer (and nothing left behind).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askManager, ControlTimeout, controlDir, serveControl } from './controlChannel';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-control-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('control folder', () => {
  it('answers each request once, in order, and cleans up after itself', async () => {
    const seen: string[] = [];
    const stop = serveControl(dir, async (req) => {
      seen.push(`${req.worker}:${req.text}`);
      return { ok: true, delivered: req.worker === 'manager' ? 'command' : 'followup', message: `got ${req.text}` };
    });
    try {
      const [a, b] = await Promise.all([
        askManager(dir, { worker: 'manager', text: 'status' }),
        askManager(dir, { worker: 'w1', text: 'again' }),
      ]);
      expect(a).toEqual({ ok: true, delivered: 'command', message: 'got status' });
      expect(b).toEqual({ ok: true, delivered: 'followup', message: 'got again' });
      expect(seen.sort()).toEqual(['manager:status', 'w1:again']);
      expect((await readdir(controlDir(dir))).filter((n) => !n.endsWith('.tmp'))).toEqual([]);
    } finally {
      stop();
    }
  });

  it('refuses a malformed request with a 400 instead of acting on it', async () => {
    const stop = serveControl(dir, async () => ({ ok: true, delivered: 'command', message: 'should not happen' }));
    try {
      const id = '00000000-0000-4000-8000-000000000000';
      await writeFile(join(controlDir(dir), `${id}.req.json`), '{"worker": 3}').catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        await writeFile(join(controlDir(dir), `${id}.req.json`), '{"worker": 3}');
      });
      const res = join(controlDir(dir), `${id}.res.json`);
      let text: string | null = null;
      for (let i = 0; i < 50 && text === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        text = await import('node:fs/promises').then((fs) => fs.readFile(res, 'utf8').catch(() => null));
      }
      expect(JSON.parse(text!)).toMatchObject({ ok: false, status: 400 });
    } finally {
      stop();
    }
  });

  it('without a manager, asking times out and leaves no request behind', async () => {
    await expect(askManager(dir, { worker: 'manager', text: 'status' }, { timeoutMs: 300 })).rejects.toBeInstanceOf(
      ControlTimeout,
    );
    expect(await readdir(controlDir(dir))).toEqual([]);
  });
});
