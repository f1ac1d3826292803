import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateTmux } from '../../testkit/tmux';
import { isRunSession, sessionName, TmuxError } from './tmux';

const tmux = privateTmux();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm-tmux-'));
});
afterAll(async () => {
  await tmux.killServer();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('Tmux', () => {
  it('names sessions codorch-<run>-<worker>', () => {
    expect(sessionName('run-20260101000000', 'w1')).toBe('codorch-run-20260101000000-w1');
  });

  it("tells a run's own sessions from those of a run whose id extends it", () => {
    const id = 'run-20260101000000';
    expect(isRunSession(sessionName(id, 'w3'), id)).toBe(true);
    expect(isRunSession(sessionName(id, 'manager'), id)).toBe(true);
    expect(isRunSession(sessionName(`${id}-2`, 'w3'), id)).toBe(false);
    expect(isRunSession(sessionName(`${id}-2`, 'manager'), id)).toBe(false);
    expect(isRunSession(`codorch-${id}-`, id)).toBe(false);
    expect(isRunSession('other', id)).toBe(false);
  });

  it('lists nothing when its server is not running', async () => {
    expect((await tmux.listSessions()).size).toBe(0);
    expect(await tmux.hasSession('nope')).toBe(false);
    expect(await tmux.sessionState('nope')).toBe('absent'); // no server: tmux says so
    expect(await tmux.snapshot(['nope'], 10)).toEqual({ sessions: new Set(), panes: new Map() });
    expect((await tmux.listSessions()).size).toBe(0); // and it started no server
  });

  it('creates a session with cwd and env, lists, captures, kills', async () => {
    await tmux.newSession({
      name: 's-one',
      cwd: dir,
      command: 'echo "dir=$(pwd) v=$MM_V"; sleep 30',
      env: { MM_V: 'forty two' },
    });
    expect(await tmux.hasSession('s-one')).toBe(true);
    expect(await tmux.sessionState('s-one')).toBe('present');
    expect(await tmux.sessionState('s-on')).toBe('absent'); // exact names only
    expect(await tmux.listSessions()).toEqual(new Set(['s-one']));
    await waitFor(async () => (await tmux.capturePane('s-one', 20)).includes('v=forty two'));
    expect(await tmux.capturePane('s-one', 20)).toContain(`dir=${dir}`);
    expect(await tmux.paneDead('s-one')).toBe(false);
    expect(await tmux.killSession('s-one')).toBe(true);
    expect(await tmux.hasSession('s-one')).toBe(false);
    expect(await tmux.killSession('s-one')).toBe(false);
  });

  it('kills several sessions with one call, and still all of them when one is already gone', async () => {
    for (const n of ['k-1', 'k-2', 'k-3', 'k-keep']) await tmux.newSession({ name: n, cwd: dir, command: 'sleep 30' });
    await tmux.killSessions(['k-1', 'k-2']);
    expect(await tmux.listSessions()).toEqual(new Set(['k-3', 'k-keep']));
    await tmux.killSessions(['k-1', 'k-3']); // k-1 is gone: the sequence stops there, so each is killed alone
    expect(await tmux.listSessions()).toEqual(new Set(['k-keep']));
    await tmux.killSessions([]);
    await tmux.killSession('k-keep');
  });

  it('does not confuse a session with another whose name starts the same', async () => {
    await tmux.newSession({ name: 'abc-10', cwd: dir, command: 'sleep 30' });
    expect(await tmux.hasSession('abc-1')).toBe(false);
    await tmux.killSession('abc-10');
  });

  it('sends text literally, with Enter as a separate key', async () => {
    await tmux.newSession({ name: 's-send', cwd: dir, command: 'cat' });
    await tmux.sendText('s-send', 'C-c $HOME "quoted" ; Enter');
    await waitFor(
      async () => (await tmux.capturePane('s-send', 50)).split('\n').filter((l) => l.includes('C-c $HOME')).length >= 2,
    );
    expect(await tmux.hasSession('s-send')).toBe(true); // C-c was typed, not sent as a key
    await tmux.killSession('s-send');
  });

  it('keeps a dead pane readable and reports it dead', async () => {
    await tmux.newSession({ name: 's-dead', cwd: dir, command: 'echo bye-now' });
    await waitFor(async () => (await tmux.paneDead('s-dead')) === true);
    expect(await tmux.capturePane('s-dead', 10)).toContain('bye-now');
    await tmux.killSession('s-dead');
  });

  it('captures the last N lines, with escapes when asked', async () => {
    await tmux.newSession({
      name: 's-cap',
      cwd: dir,
      command: "for i in $(seq 1 30); do echo line$i; done; printf '\\033[31mred\\033[0m\\n'; sleep 30",
    });
    await waitFor(async () => (await tmux.capturePane('s-cap', 5)).includes('red'));
    const tail = await tmux.capturePane('s-cap', 3);
    expect(tail.split('\n').length).toBeLessThanOrEqual(3);
    expect(await tmux.capturePane('s-cap', 5, true)).toContain('\u001b[31m');
    await tmux.killSession('s-cap');
  });

  it('snapshots the listing and several panes in one call, skipping sessions that do not exist', async () => {
    await tmux.newSession({ name: 'snap-a', cwd: dir, command: 'echo alpha-out; sleep 30' });
    await tmux.newSession({ name: 'snap-b', cwd: dir, command: 'seq 1 40; echo bravo-out; sleep 30' });
    await tmux.newSession({ name: 'snap-c', cwd: dir, command: 'echo charlie-out; sleep 30' });
    await waitFor(async () => (await tmux.capturePane('snap-b', 5)).includes('bravo-out'));
    await waitFor(async () => (await tmux.capturePane('snap-c', 5)).includes('charlie-out'));
    // A missing session in the middle and at the start: tmux stops a sequence there, the rest are still captured.
    const s = await tmux.snapshot(['gone-1', 'snap-a', 'gone-2', 'snap-b', 'snap-c', 'gone-3'], 5);
    expect([...s.sessions].filter((x) => x.startsWith('snap-')).sort()).toEqual(['snap-a', 'snap-b', 'snap-c']);
    expect([...s.panes.keys()].sort()).toEqual(['snap-a', 'snap-b', 'snap-c']);
    expect(s.panes.get('snap-a')).toContain('alpha-out');
    expect(s.panes.get('snap-b')).toBe(await tmux.capturePane('snap-b', 5)); // the same tail as a capture alone
    expect(s.panes.get('snap-b')!.split('\n').length).toBeLessThanOrEqual(5);
    expect(s.panes.get('snap-c')).toContain('charlie-out');
    expect(s.sessions).toEqual(await tmux.listSessions());
    await tmux.killSession('snap-b');
    const after = await tmux.snapshot(['snap-a', 'snap-b', 'snap-c'], 5);
    expect(after.sessions.has('snap-b')).toBe(false);
    expect([...after.panes.keys()].sort()).toEqual(['snap-a', 'snap-c']);
    await tmux.killSession('snap-a');
    await tmux.killSession('snap-c');
  });

  it('answers while its server exits with its last session: listings are empty, a new session starts a new server', async () => {
    // Its own server: this one must have a single session that ends (the server then exits).
    const own = privateTmux();
    try {
      for (let i = 0; i < 40; i++) {
        await own.newSession({ name: 'last', cwd: dir, command: 'sleep 30' });
        if (i === 0) expect(existsSync(own.socketPath()!)).toBe(true); // where tmux put it
        // tmux answers "server exited unexpectedly" to a client that connects in the server's last moments.
        const [, snap, list, started] = await Promise.all([
          own.killSession('last'),
          own.snapshot(['last'], 5),
          own.listSessions(),
          i % 4 === 0
            ? own.newSession({ name: `next-${i}`, cwd: dir, command: 'sleep 30' }).then(() => true)
            : Promise.resolve(false),
        ]);
        for (const s of [snap.sessions, list]) expect([...s].every((n) => n === 'last' || n.startsWith('next-'))).toBe(true);
        if (started) {
          expect(await own.hasSession(`next-${i}`)).toBe(true);
          await own.killSession(`next-${i}`);
        }
      }
    } finally {
      await own.killServer();
    }
    expect(existsSync(own.socketPath()!)).toBe(false); // killServer leaves no socket file behind
    expect(existsSync(`${own.socketPath()!}.lock`)).toBe(false); // nor tmux's start lock
  });

  it('rejects bad session names and reports tmux stderr on failure', async () => {
    await expect(tmux.newSession({ name: 'bad name;rm', cwd: dir })).rejects.toBeInstanceOf(TmuxError);
    await tmux.newSession({ name: 'dup', cwd: dir, command: 'sleep 30' });
    const err = await tmux.newSession({ name: 'dup', cwd: dir, command: 'sleep 30' }).catch((e) => e);
    expect(err).toBeInstanceOf(TmuxError);
    expect((err as TmuxError).stderr).toMatch(/duplicate session/);
    await expect(tmux.capturePane('missing-session')).rejects.toThrow(/can't find/);
    await tmux.killSession('dup');
  });
});
