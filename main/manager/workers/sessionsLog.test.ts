import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../../../common/artifacts';
import { SessionsLog } from './sessionsLog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mminions-sessions-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const worker = (id: string): WorkerRecord => ({
  worker_id: id,
  role: 'REPRO_BUILDER',
  phase: 'repro',
  status: 'pending',
  session_name: `codorch-run-1-${id}`,
  worktree_path: '',
  output_path: `/x/${id}.json`,
  script_path: `/x/${id}.sh`,
  invocation: `repro-${id}`,
  attempts: 0,
  started_at: null,
  finished_at: null,
  exit_code: null,
  detail: null,
});

describe('SessionsLog', () => {
  it('coalesces changes made while a write waits, and every caller sees its change on disk', async () => {
    const path = join(dir, 'sessions.json');
    const log = new SessionsLog(path, {
      runId: 'run-1',
      socket: null,
      managerSession: 'codorch-run-1-manager',
      issueUrl: null,
      pid: 1,
    });
    const ids = Array.from({ length: 12 }, (_, i) => `w${i + 1}`);
    await Promise.all(
      ids.map(async (id, i) => {
        await log.upsertWorker(worker(id));
        await log.updateWorker(id, { status: 'running', attempts: i + 1 });
        const onDisk = JSON.parse(await readFile(path, 'utf8')) as { workers: WorkerRecord[] };
        expect(onDisk.workers.find((w) => w.worker_id === id)).toMatchObject({ status: 'running', attempts: i + 1 });
      }),
    );
    const final = JSON.parse(await readFile(path, 'utf8')) as { workers: WorkerRecord[] };
    expect(final.workers.map((w) => `${w.worker_id}:${w.status}`)).toEqual(ids.map((id) => `${id}:running`));
  });

  it('a failed write fails its callers only: later writes go through', async () => {
    const path = join(dir, 'sessions.json');
    const log = new SessionsLog(path, { runId: 'run-1', socket: null, managerSession: 'm', issueUrl: null, pid: 1 });
    await mkdir(path); // a folder in the way: the atomic rename fails
    await expect(log.upsertWorker(worker('w1'))).rejects.toThrow();
    await rm(path, { recursive: true });
    await log.updateWorker('w1', { status: 'finished' });
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as { workers: WorkerRecord[] };
    expect(onDisk.workers.map((w) => w.status)).toEqual(['finished']);
  });
});
