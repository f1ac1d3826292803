import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../../common/artifacts';
import { SessionsLog } from '../manager/workers/sessionsLog';
import { sessionName } from '../tmux/tmux';
import { openTerminal, startTestServer, waitFor, type TermClient, type TestServer } from '../../testkit/testServer';

let t: TestServer;
const RUN = 'run-20260501000000';
const session = (w: string) => sessionName(RUN, w);

function record(id: string): WorkerRecord {
  return {
    worker_id: id,
    role: 'REPRO_BUILDER',
    phase: 'repro',
    status: 'running',
    session_name: session(id),
    worktree_path: '/tmp/x',
    output_path: '/tmp/x.json',
    script_path: '/tmp/x.sh',
    invocation: `repro-${id}`,
    attempts: 1,
    started_at: null,
    finished_at: null,
    exit_code: null,
    detail: null,
  };
}

const term = (w: string, q = 'mode=rw') =>
  openTerminal(t.server.port, `/api/runs/${RUN}/terminal/${w}?${q}&token=${encodeURIComponent(t.server.token)}`);
const tmuxDisplay = async (name: string, fmt: string) =>
  (await execa('tmux', [...t.tmux.baseArgs(), 'display-message', '-p', '-t', `=${name}:`, fmt])).stdout.trim();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Acknowledges everything received so far (what xterm.js does once it has rendered it). */
const ackAll = (c: TermClient, acked: { n: number }) => {
  const n = c.bytes() - acked.n;
  if (n > 0) c.send({ type: 'ack', bytes: n });
  acked.n += n;
};

beforeAll(async () => {
  t = await startTestServer();
  const { paths } = await t.store.create(RUN);
  const log = new SessionsLog(paths.sessions, {
    runId: RUN,
    socket: t.tmux.socket,
    managerSession: session('manager'),
    issueUrl: null,
    pid: null,
  });
  for (const w of ['w1', 'w2', 'w3', 'w4']) await log.upsertWorker(record(w));
  await writeFile(`${paths.agentsDir}/repro-w2.pane.txt`, 'line one\nw2 saved its LAST-WORDS here\n\n\n');
  // w1: an interactive shell; w3: a flood of output; w2 never runs; w4 is killed while watched.
  await t.tmux.newSession({ name: session('w1'), cwd: t.dir, command: 'PS1="$ " sh', width: 80, height: 24 });
  await t.tmux.newSession({ name: session('w4'), cwd: t.dir, command: 'echo w4-up; sleep 300' });
});
afterAll(async () => {
  await t?.cleanup();
});

describe('terminal WebSocket', () => {
  it('types into a live session and receives its output; resizes the window', async () => {
    const c = await term('w1', 'mode=rw&cols=90&rows=20');
    const acked = { n: 0 };
    await waitFor(() => c.messages.some((m) => m.type === 'ready'), 'ready');
    expect(c.messages[0]).toEqual({ type: 'ready', session: session('w1') });
    c.send({ type: 'input', data: 'echo hi-$((40+2))\r' });
    await waitFor(() => c.output().includes('hi-42'), 'the command output (hi-42)');
    ackAll(c, acked);
    await waitFor(async () => (await tmuxDisplay(session('w1'), '#{window_width}')) === '90', 'width 90 from the query');
    c.send({ type: 'resize', cols: 120, rows: 30 });
    await waitFor(async () => (await tmuxDisplay(session('w1'), '#{window_width}')) === '120', 'width 120 after resize');
    // tmux resizes the pane's tty a moment after the window: ask until the shell sees it.
    let asked = 0;
    await waitFor(() => {
      if (/\b29 120\b/.test(c.output())) return true;
      if (asked++ % 20 === 0) c.send({ type: 'input', data: 'stty size\r' });
      return false;
    }, 'stty size 29 120 (one row is the status line)');
    const stats = t.server.services.terminals.stats().find((s) => s.session === session('w1'))!;
    expect(stats).toMatchObject({ mode: 'rw', cols: 120, rows: 30, paused: false });
    expect(stats.sentBytes).toBe(c.bytes());
    c.ws.close();
    await c.closed;
  });

  it('answers malformed messages with an error and keeps going', async () => {
    const c = await term('w1');
    await waitFor(() => c.messages.some((m) => m.type === 'ready'), 'ready');
    c.ws.send('not json');
    c.send({ type: 'resize', cols: 'wide', rows: 10 });
    c.send({ type: 'explode' });
    c.ws.send(Buffer.from('raw bytes'));
    await waitFor(() => c.messages.filter((m) => m.type === 'error').length === 4, 'four errors');
    expect(c.messages.filter((m) => m.type === 'error').map((m) => m.message)).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/invalid message: cols/),
      expect.stringMatching(/invalid message/),
      expect.stringMatching(/binary messages are not accepted/),
    ]);
    c.send({ type: 'input', data: 'echo still-$((1+1))\r' });
    await waitFor(() => c.output().includes('still-2'), 'input after errors');
    c.ws.close();
    await c.closed;
  });

  it('ignores input in read-only mode (and attaches read-only)', async () => {
    const size = async () =>
      (
        await execa('tmux', [
          ...t.tmux.baseArgs(),
          'list-windows',
          '-t',
          `=${session('w1')}`,
          '-F',
          '#{window_width}x#{window_height}',
        ])
      ).stdout;
    // (resize-window would switch the window to manual sizing; it keeps the size tmux chose.)
    const before = await size();
    expect(before).not.toMatch(/^37x/);
    const ro = await term('w1', 'mode=ro&cols=37&rows=11');
    await waitFor(() => ro.messages.some((m) => m.type === 'ready'), 'ready');
    const pid = t.server.services.terminals.stats().find((s) => s.mode === 'ro')!.pid!;
    const { stdout: flags } = await execa('tmux', [
      ...t.tmux.baseArgs(),
      'list-clients',
      '-F',
      '#{client_pid} #{client_readonly}',
    ]);
    expect(flags.split('\n')).toContain(`${pid} 1`);
    ro.send({ type: 'input', data: 'echo ro-$((100+11))\r' });
    await new Promise((r) => setTimeout(r, 300));
    // A marker typed by tmux itself: once it shows, anything typed before it would have shown too.
    await t.tmux.sendText(session('w1'), 'echo marker-$((2+3))');
    await waitFor(() => ro.output().includes('marker-5'), 'the marker in the read-only view');
    expect(await t.tmux.capturePane(session('w1'), 200)).not.toContain('ro-111');
    expect(ro.output()).not.toContain('ro-111');
    // Watching never resizes the shared window: a read-only viewer's size is ignored.
    expect(await size()).toBe(before);
    ro.send({ type: 'resize', cols: 41, rows: 13 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await size()).toBe(before);
    const { stdout: flags2 } = await execa('tmux', [...t.tmux.baseArgs(), 'list-clients', '-F', '#{client_pid} #{client_flags}']);
    expect(flags2.split('\n').find((l) => l.startsWith(`${pid} `))).toMatch(/ignore-size/);
    ro.ws.close();
    await ro.closed;
  });

  it('closing the socket ends the attach process, never the session', async () => {
    const c = await term('w1');
    await waitFor(() => c.messages.some((m) => m.type === 'ready'), 'ready');
    const pid = t.server.services.terminals.stats().find((s) => s.session === session('w1'))!.pid!;
    expect(alive(pid)).toBe(true);
    c.ws.close();
    await c.closed;
    await waitFor(() => !alive(pid), 'the attach process to exit');
    expect(await t.tmux.hasSession(session('w1'))).toBe(true);
    await waitFor(() => t.server.services.terminals.size === 0, 'the bridge to be dropped');
  });

  it('lets several clients watch one session', async () => {
    const a = await term('w1');
    const b = await term('w1', 'mode=ro');
    await waitFor(() => a.messages.some((m) => m.type === 'ready') && b.messages.some((m) => m.type === 'ready'), 'both ready');
    a.send({ type: 'input', data: 'echo both-$((3*3))\r' });
    await waitFor(() => a.output().includes('both-9') && b.output().includes('both-9'), 'output on both');
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
  });

  it('tells a client when the session does not exist, with the saved pane', async () => {
    const c = await term('w2');
    const code = await c.closed;
    expect(code).toBe(1000);
    expect(c.messages).toHaveLength(1);
    expect(c.messages[0]).toEqual({
      type: 'ended',
      message: expect.stringMatching(/not running.*worker w2/),
      pane_tail: 'line one\nw2 saved its LAST-WORDS here',
    });
    const m = await term('manager');
    await m.closed;
    expect(m.messages).toEqual([{ type: 'ended', message: expect.stringMatching(/manager/), pane_tail: '' }]);
  });

  it('tells a watching client when its session ends', async () => {
    const c = await term('w4');
    await waitFor(() => c.output().includes('w4-up'), 'w4 output');
    await t.tmux.killSession(session('w4'));
    const code = await c.closed;
    expect(code).toBe(1000);
    expect(c.messages.at(-1)).toMatchObject({ type: 'ended', message: expect.stringMatching(/ended/) });
  });

  it('refuses unknown workers and bad queries before upgrading', async () => {
    await expect(term('w9')).rejects.toThrow(/404/);
    await expect(term('w1', 'mode=admin')).rejects.toThrow(/400/);
    await expect(term('w1', 'cols=0')).rejects.toThrow(/400/);
    await expect(openTerminal(t.server.port, `/api/runs/run-20990101000000/terminal/w1?token=${t.server.token}`)).rejects.toThrow(
      /404/,
    );
  });

  it('pauses the pty when the client falls ~1 MB behind and resumes when it acks', async () => {
    await t.tmux.newSession({
      name: session('w3'),
      cwd: t.dir,
      command: 'sleep 1; exec yes 0123456789abcdefghijklmnopqrstuvwxyz',
      width: 80,
      height: 24,
    });
    const c = await term('w3');
    const stats = () => t.server.services.terminals.stats().find((s) => s.session === session('w3'))!;
    // No acks: the server must stop at about 1 MB in flight.
    await waitFor(() => stats().paused, 'the pty to be paused', 30_000);
    const atPause = stats();
    expect(atPause.pauses).toBe(1);
    expect(atPause.inFlight).toBeGreaterThan(1024 * 1024);
    await waitFor(() => c.bytes() === atPause.sentBytes || c.bytes() >= stats().sentBytes, 'the client to receive what was sent');
    await new Promise((r) => setTimeout(r, 500));
    const later = stats();
    expect(later.paused).toBe(true);
    // Bounded: at most what was already read from the pty before the pause took effect.
    expect(later.sentBytes - atPause.sentBytes).toBeLessThan(512 * 1024);
    // Acknowledge everything: the server resumes and output flows again.
    const acked = { n: 0 };
    ackAll(c, acked);
    await waitFor(() => stats().resumes >= 1, 'the pty to resume');
    await waitFor(() => stats().sentBytes > later.sentBytes + 64 * 1024, 'more output after resuming', 30_000);
    expect(stats().ackedBytes).toBe(acked.n);
    // Keep acking: it keeps flowing without a second pause.
    const before = stats().pauses;
    for (let i = 0; i < 20; i++) {
      ackAll(c, acked);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(stats().pauses).toBe(before);
    c.ws.close();
    await c.closed;
    await t.tmux.killSession(session('w3'));
  });
});
