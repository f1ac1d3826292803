// Benchmark (issue 8, part 5): terminals. With the real status server (`node out/main/cli.js server`
// in a child process, so its RSS is its own), real tmux on a private socket, the real bridge and the
// built dashboard's xterm.js in Chromium (headless, playwright-core):
//   1. flood: N MB of text lines from a worker's session (started once the terminal is attached)
//      until the last marker line is on xterm's screen — beside the floors of the same bytes through
//      the generator alone, a bare pty, a bare `tmux attach` under node-pty, and the bridge to a
//      WebSocket client in node (no browser), to separate tmux's cost from ours;
//   2. keystroke echo: keys typed into the focused dashboard terminal (page.keyboard: the user's input
//      path) until a program in the session's other pane has printed them and xterm has parsed them —
//      idle, and while the session's first pane floods;
//   3. memory: the server's RSS with T terminals of one run attached from the dashboard (T xterm.js
//      panes in the page), idle and while every session prints.
// Prints a markdown table and writes bench/results/terminals.json; asserts only that all the data
// arrived (markers seen, echoes seen, terminals attached), never times.
// Smoke (npm test): 2 MB, 5+5 keystrokes, 3 terminals; full (MMINIONS_BENCH_FULL=1): 50 MB, 20+60, 24.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import * as pty from 'node-pty';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { launchChromium, requireBuiltDashboard } from '../e2e/support/dashboard';
import { cliScript } from '../main/cli/self';
import { SessionsLog } from '../main/manager/workers/sessionsLog';
import { RunStore } from '../main/runs/runStore';
import { attachArgs, attachEnv } from '../main/terminal/attach';
import { sessionName, type Tmux } from '../main/tmux/tmux';
import { privateTmux } from '../testkit/tmux';
import type { TerminalRegistryView } from '../renderer/src/terminal/registryView';
import { FULL, MODE, markdownTable, percentile, writeResults } from './benchUtil';

const MB = 1024 * 1024;
const FLOOD_BYTES = FULL ? 50 * MB : 2 * MB;
const FLOOD_REPEATS = FULL ? 3 : 1;
const ECHO_IDLE = FULL ? 20 : 5;
const ECHO_FLOOD = FULL ? 60 : 5;
const TERMINALS = FULL ? 24 : 3;
const MEM_BYTES_EACH = FULL ? 2 * MB : 256 * 1024;

const RUN_FLOOD = 'run-20990101000001';
const RUN_WS = 'run-20990101000002';
const RUN_ECHO = 'run-20990101000003';
const RUN_MEM = 'run-20990101000004';
const RUN_WS_ECHO = 'run-20990101000005';

// The flood generator, started with its session: each round waits for a write to its FIFO (so neither
// Python's start-up nor tmux's is timed), then prints N bytes of numbered text lines and the round's
// marker line; N < 0 floods until killed. With FIFO "-" it runs one round at once and prints its own
// time (ms) on stderr. "armed <tag> r<round>" on screen says it is waiting.
const FLOOD_PY = `import sys, time
fifo, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
body = b' the quick brown fox jumps over a lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\\n'
out = sys.stdout.buffer
r = 0
while True:
    r += 1
    if fifo != '-':
        out.write(b'armed-%s-r%d\\r\\n' % (tag, r)); out.flush()
        with open(fifo, 'rb') as f: f.read()
    t = time.perf_counter(); i = 0; sent = 0
    while n < 0 or sent < n:
        chunk = b''.join(b'%09d' % (i + k) + body for k in range(700))
        if n >= 0: chunk = chunk[: n - sent]
        out.write(chunk); sent += len(chunk); i += 700
    out.write(b'\\r\\nmark-end-%s-r%d-k\\r\\n' % (tag, r)); out.flush()
    if fifo != '-':
        with open(fifo + '.done', 'w') as f: f.write('%d' % round(time.time() * 1000))
    if fifo == '-':
        sys.stderr.write('%d\\n' % round((time.perf_counter() - t) * 1000)); break
`;

// Reads one key at a time (no tty echo) and prints it with a counter, on one line: "key a 17.".
// Each key's arrival is logged ("<n> <EPOCHREALTIME>" in the file given as $1), to split the time into input and output paths.
const ECHO_SH = `log=$1; stty -echo -icanon; n=0; while IFS= read -rsn1 c; do n=$((n+1)); echo "$n $EPOCHREALTIME" >> "$log"; printf '\\r\\033[Kkey-%s-%d.' "$c" "$n"; done`;

interface FloodResult {
  path: string;
  repeat: number;
  ms: number;
  bytes: number | null;
  /** From the trigger until the generator's last write returned (the pane's reader had taken nearly all). */
  generatorMs?: number;
}
interface EchoResult {
  phase: 'idle' | 'flood' | 'tmux-idle' | 'tmux-flood' | 'ws-idle' | 'ws-flood';
  key: number;
  bufferMs: number;
  frameMs: number;
  /** Browser only: keydown → the input message sent, and keydown → the frame with the echo handled (-1: not seen in one frame). */
  sentMs?: number;
  arrivedMs?: number;
  /** Keydown (or the write, in node) → the echo program read the key (its log's clock: input path alone). */
  readMs?: number;
}

const floods: FloodResult[] = [];
const echoes: EchoResult[] = [];
const memory: Record<string, number | string | null> = {};
const notes: Record<string, unknown> = {};

let dir: string;
let tmux: Tmux;
let store: RunStore;
let browser: Browser | null = null;
let server: ResultPromise | null = null;
let serverPid = 0;
let base = '';
let token = '';
let port = 0;
let floodScript = '';
let cols = 130; // the dashboard's single terminal at 1400×900; the flood test reads the real size
let rows = 21;

interface BenchSocket {
  __benchHooked?: boolean;
  addEventListener(type: string, fn: (ev: { data: unknown }) => void): void;
}
interface BenchGlobals {
  __mminionsTerminals?: TerminalRegistryView;
  __bench?: {
    t0: number;
    wait: Promise<[number, number] | null> | null;
    tSend: number;
    tMsg: number;
    needle: string;
    inputs: string[];
  };
  addEventListener(type: string, fn: () => void, capture: boolean): void;
  requestAnimationFrame(fn: () => void): number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(check: () => T | Promise<T>, what: string, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Resident memory of a process in MB (VmRSS), or its peak so far (VmHWM). */
function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : Number.NaN;
}

/** The attach processes (node-pty children) of the server, with their summed RSS in MB. */
function childrenRss(pid: number): { count: number; mb: number } {
  let out = '';
  try {
    out = execFileSync('ps', ['--ppid', String(pid), '-o', 'rss='], { encoding: 'utf8' }).trim();
  } catch {
    // ps exits 1 when there is none.
  }
  const kb = out ? out.split('\n').map((l) => Number(l.trim()) || 0) : [];
  return { count: kb.length, mb: Math.round((kb.reduce((a, b) => a + b, 0) / 1024) * 10) / 10 };
}

/** A run whose workers' sessions run the given commands (one session per worker, as the pipeline names them). */
async function makeRun(runId: string, workers: Array<{ id: string; command: string }>): Promise<void> {
  const { paths } = await store.create(runId);
  const log = new SessionsLog(paths.sessions, {
    runId,
    socket: tmux.socket,
    managerSession: sessionName(runId, 'manager'),
    issueUrl: null,
    pid: null,
  });
  const now = new Date().toISOString();
  for (const w of workers) {
    await tmux.newSession({ name: sessionName(runId, w.id), cwd: dir, command: w.command, width: 120, height: 40 });
    await log.upsertWorker({
      worker_id: w.id,
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'running',
      session_name: sessionName(runId, w.id),
      worktree_path: dir,
      output_path: join(dir, `${runId}-${w.id}.json`),
      script_path: join(dir, `${runId}-${w.id}.sh`),
      invocation: `repro-${w.id}`,
      attempts: 1,
      started_at: now,
      finished_at: null,
      exit_code: null,
      detail: null,
    });
  }
  await log.flush();
}

const tmuxCmd = (args: string[]) =>
  execa('tmux', [...tmux.baseArgs(), ...args], { env: attachEnv(process.env), extendEnv: false });
const killSession = (name: string) => tmuxCmd(['kill-session', '-t', `=${name}`]).catch(() => undefined);
/** A FIFO for one flood generator, and the command that starts it (the pane's program). */
interface Flood {
  command: string;
  fire: () => Promise<void>;
  /** Wall-clock ms when the generator's last write returned (tmux had taken all but a pty buffer's worth). */
  doneAt: () => Promise<number>;
}
async function flood(tag: string, bytes: number): Promise<Flood> {
  const fifo = join(dir, `go-${tag}`);
  execFileSync('mkfifo', [fifo]);
  return {
    command: `python3 ${floodScript} ${fifo} ${bytes} ${tag}`,
    fire: async () => {
      await rm(`${fifo}.done`, { force: true });
      await writeFile(fifo, 'g');
    },
    doneAt: async () =>
      Number(
        await waitFor(
          () => (existsSync(`${fifo}.done`) ? readFileSync(`${fifo}.done`, 'utf8') : null),
          'the generator to finish',
          240_000,
        ),
      ),
  };
}
/** Markers avoid runs of one character (tmux may send those as a repeat sequence, which a raw-stream search would miss). */
const marker = (tag: string, round: number) => `mark-end-${tag}-r${round}-k`;
const echoed = (key: string, n: number) => `key-${key}-${n}.`;
const armed = (tag: string, round: number) => `armed-${tag}-r${round}`;

async function openDashboard(
  hash: string,
  viewport = { width: 1400, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/?token=${encodeURIComponent(token)}${hash}`);
  return { context, page, errors };
}

const terminals = (page: Page) => page.evaluate(() => (globalThis as unknown as BenchGlobals).__mminionsTerminals!.list());
const received = (page: Page, w: string) =>
  page.evaluate((x) => (globalThis as unknown as BenchGlobals).__mminionsTerminals!.received(x) ?? 0, w);

/** Counts a raw output stream and tells when a needle has passed (searching each chunk with the end of the previous). */
class StreamWatch {
  bytes = 0;
  private tail = '';
  private waiters: Array<{ needle: string; resolve: () => void }> = [];
  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const text = this.tail + chunk.toString('latin1');
    this.tail = text.slice(-256);
    this.waiters = this.waiters.filter((w) => {
      if (!text.includes(w.needle)) return true;
      w.resolve();
      return false;
    });
  }
  when(needle: string, ms = 240_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.tail.includes(needle)) return resolve(); // it came with the last chunk
      const timer = setTimeout(() => reject(new Error(`${needle} never came`)), ms);
      this.waiters.push({
        needle,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** A WebSocket client in node on a run's w1 terminal that acknowledges every output frame at once. */
function ackingClient(runId: string): { ws: WebSocket; watch: StreamWatch } {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/api/runs/${runId}/terminal/w1?mode=rw&cols=${cols}&rows=${rows}&token=${token}`,
  );
  const watch = new StreamWatch();
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const b = data as Buffer;
    ws.send(JSON.stringify({ type: 'ack', bytes: b.length }));
    watch.push(b);
  });
  return { ws, watch };
}

/**
 * Types keys one at a time through `send`, each timed until its echo passes `watch`: ECHO_IDLE keys,
 * then (once the generator's flood is coming through) ECHO_FLOOD keys; returns the flood's MB/s meanwhile.
 */
async function rawEchoes(
  watch: StreamWatch,
  send: (key: string) => void,
  gen: Flood & { readAt: (n: number) => number },
  phases: [EchoResult['phase'], EchoResult['phase']],
): Promise<{ floodMBps: number }> {
  let n = 0;
  const typeOne = async (phase: EchoResult['phase']) => {
    n += 1;
    const key = String.fromCharCode(97 + (n % 26));
    const seen = watch.when(echoed(key, n), 20_000);
    const t0 = performance.now();
    send(key);
    await seen;
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    echoes.push({
      phase,
      key: n,
      bufferMs: ms,
      frameMs: ms,
      readMs: Math.round((gen.readAt(n) - (performance.timeOrigin + t0)) * 10) / 10,
    });
    await sleep(40 + Math.random() * 40);
  };
  for (let i = 0; i < ECHO_IDLE; i++) await typeOne(phases[0]);
  const before = watch.bytes;
  await gen.fire();
  await waitFor(() => watch.bytes - before > 256 * 1024, 'the flood to come through');
  const start = watch.bytes;
  const t0 = performance.now();
  for (let i = 0; i < ECHO_FLOOD; i++) await typeOne(phases[1]);
  return { floodMBps: Math.round(((watch.bytes - start) / MB / ((performance.now() - t0) / 1000)) * 10) / 10 };
}

beforeAll(async () => {
  requireBuiltDashboard();
  if (!existsSync(cliScript())) throw new Error(`the CLI is not built (${cliScript()}): run \`npm run build\``);
  dir = await mkdtemp(join(tmpdir(), 'mm-bench-term-'));
  const root = join(dir, 'runs');
  await mkdir(root, { recursive: true });
  await writeFile(join(dir, 'mminions.toml'), '');
  floodScript = join(dir, 'flood.py');
  await writeFile(floodScript, FLOOD_PY);
  tmux = privateTmux('mmbterm');
  store = new RunStore(root);
  server = execa(
    'node',
    [
      cliScript(),
      'server',
      '--runs-root',
      root,
      '--port',
      '0',
      '--tmux-socket',
      tmux.socket!,
      '--config',
      join(dir, 'mminions.toml'),
      '--quiet',
    ],
    {
      cwd: dir,
      reject: false,
    },
  );
  serverPid = server.pid!;
  let out = '';
  server.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const m = await waitFor(
    () => /^mminions server: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]+)$/m.exec(out),
    'the server URL line',
  );
  base = m[1]!;
  port = Number(m[2]);
  token = m[3]!;
  memory.serverStartMb = rssMb(serverPid);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (server) {
    server.kill('SIGTERM');
    const killer = setTimeout(() => server?.kill('SIGKILL'), 5000);
    await server;
    clearTimeout(killer);
  }
  await tmux?.killServer();
  // tmux leaves its socket file behind.
  if (tmux) await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, tmux.socket!), { force: true });
  if (dir) await rm(dir, { recursive: true, force: true });

  if (floods.length === 0 && echoes.length === 0) return;
  const med = (path: string) => {
    const v = floods.filter((f) => f.path === path);
    const gen = v.filter((f) => f.generatorMs !== undefined).map((f) => f.generatorMs!);
    return v.length
      ? {
          ms: Math.round(
            percentile(
              v.map((f) => f.ms),
              50,
            ),
          ),
          bytes: v[0]!.bytes,
          gen: gen.length ? Math.round(percentile(gen, 50)) : '–',
        }
      : null;
  };
  const paths = [
    'generator → /dev/null',
    'generator → pty (no tmux)',
    'tmux attach under node-pty',
    'bridge → ws client in node',
    'bridge → xterm.js in Chromium',
  ];
  const floodRows = paths.flatMap((p) => {
    const r = med(p);
    return r
      ? [
          [
            p,
            r.ms,
            r.gen,
            r.bytes === null ? '–' : (r.bytes / MB).toFixed(1),
            r.ms > 0 ? ((FLOOD_BYTES / MB / r.ms) * 1000).toFixed(0) : '–',
          ],
        ]
      : [];
  });
  const echo = (phase: EchoResult['phase']) => {
    const v = echoes.filter((e) => e.phase === phase);
    const b = v.map((e) => e.bufferMs);
    const f = v.map((e) => e.frameMs);
    const sent = v.filter((e) => (e.sentMs ?? -1) >= 0).map((e) => e.sentMs!);
    const arrived = v.filter((e) => (e.arrivedMs ?? -1) >= 0).map((e) => e.arrivedMs!);
    const read = v.filter((e) => Number.isFinite(e.readMs ?? Number.NaN)).map((e) => e.readMs!);
    return {
      n: v.length,
      p50: Math.round(percentile(b, 50)),
      p95: Math.round(percentile(b, 95)),
      max: Math.round(Math.max(...b)),
      frameP95: Math.round(percentile(f, 95)),
      ...(sent.length ? { sentP50: Math.round(percentile(sent, 50)), sentP95: Math.round(percentile(sent, 95)) } : {}),
      ...(read.length ? { readP50: Math.round(percentile(read, 50)), readP95: Math.round(percentile(read, 95)) } : {}),
      ...(arrived.length
        ? { arrivedP50: Math.round(percentile(arrived, 50)), arrivedP95: Math.round(percentile(arrived, 95)) }
        : {}),
    };
  };
  const browserFlood = med('bridge → xterm.js in Chromium');
  const summary = {
    floodMb: FLOOD_BYTES / MB,
    terminal: { cols, rows },
    floodBrowserMs: browserFlood?.ms ?? null,
    echoIdle: echo('idle'),
    echoFlood: echo('flood'),
    echoTmuxIdle: echo('tmux-idle'),
    echoTmuxFlood: echo('tmux-flood'),
    echoWsIdle: echo('ws-idle'),
    echoWsFlood: echo('ws-flood'),
    memory,
    targets: { floodMsUnder: 5000, echoP95MsUnder: 50, serverRssMbUnder: 150 },
    notes,
  };
  const file = await writeResults('terminals', { summary, floods, echoes });
  const main = markdownTable(
    ['measure', 'figure', 'target'],
    [
      [
        `${FLOOD_BYTES / MB} MB flood → last line in xterm (median of ${FLOOD_REPEATS})`,
        `${summary.floodBrowserMs} ms`,
        '< 5000 ms',
      ],
      [
        `echo while flooding, p50 / p95 / max (${summary.echoFlood.n} keys)`,
        `${summary.echoFlood.p50} / ${summary.echoFlood.p95} / ${summary.echoFlood.max} ms`,
        'p95 < 50 ms',
      ],
      [`echo while flooding, p95 to the next frame`, `${summary.echoFlood.frameP95} ms`, ''],
      [
        `echo while flooding, p50 / p95 keydown → input sent; → echo frame handled`,
        `${summary.echoFlood.sentP50} / ${summary.echoFlood.sentP95}; ${summary.echoFlood.arrivedP50} / ${summary.echoFlood.arrivedP95} ms`,
        '',
      ],
      [
        `echo idle, p50 / p95 / max (${summary.echoIdle.n} keys)`,
        `${summary.echoIdle.p50} / ${summary.echoIdle.p95} / ${summary.echoIdle.max} ms`,
        '',
      ],
      [
        `echo while flooding, p50 / p95 keydown → key read by the program (input path)`,
        `${summary.echoFlood.readP50} / ${summary.echoFlood.readP95} ms`,
        '',
      ],
      [
        `floor: echo through bare tmux attach (node-pty) while flooding, p50 / p95 / max`,
        `${summary.echoTmuxFlood.p50} / ${summary.echoTmuxFlood.p95} / ${summary.echoTmuxFlood.max} ms`,
        '',
      ],
      [
        `floor: … of which write → key read by the program (input path), p50 / p95`,
        `${summary.echoTmuxFlood.readP50} / ${summary.echoTmuxFlood.readP95} ms`,
        '',
      ],
      [
        `floor: echo through bare tmux attach (node-pty) idle, p50 / p95 / max`,
        `${summary.echoTmuxIdle.p50} / ${summary.echoTmuxIdle.p95} / ${summary.echoTmuxIdle.max} ms`,
        '',
      ],
      [
        `echo through the bridge to a ws client in node while flooding, p50 / p95 / max`,
        `${summary.echoWsFlood.p50} / ${summary.echoWsFlood.p95} / ${summary.echoWsFlood.max} ms`,
        '',
      ],
      [
        `… of which input message → key read by the program (input path), p50 / p95`,
        `${summary.echoWsFlood.readP50} / ${summary.echoWsFlood.readP95} ms`,
        '',
      ],
      [
        `echo through the bridge to a ws client in node idle, p50 / p95 / max`,
        `${summary.echoWsIdle.p50} / ${summary.echoWsIdle.p95} / ${summary.echoWsIdle.max} ms`,
        '',
      ],
      [
        `server RSS: started / ${TERMINALS} attached idle / peak while all print / after`,
        `${memory.serverStartMb} / ${memory.attachedIdleMb} / ${memory.peakMb} / ${memory.afterMb} MB`,
        'peak < 150 MB',
      ],
      [`attach processes (${memory.attachProcesses}) RSS, summed`, `${memory.attachProcessesMb} MB`, ''],
      [`server RSS peak of the whole benchmark (VmHWM)`, `${memory.serverHwmMb} MB`, ''],
    ],
  );
  const floor = markdownTable(
    ['path (same bytes, same size)', 'median ms', 'generator done ms', 'MB through', 'MB/s of input'],
    floodRows,
  );
  console.log(`\nTerminals (${MODE}) → ${file}\n\n${main}\n\n${floor}\n`);
}, 60_000);

const whenText = (page: Page, w: string, needle: string, ms = 240_000) =>
  page.evaluate(
    ([x, n, t]) => (globalThis as unknown as BenchGlobals).__mminionsTerminals!.whenText(x as string, n as string, t as number),
    [w, needle, ms] as const,
  );

describe(`terminals benchmark (${MODE}: ${FLOOD_BYTES / MB} MB flood, ${ECHO_IDLE}+${ECHO_FLOOD} keystrokes, ${TERMINALS} terminals)`, () => {
  it(`server memory with ${TERMINALS} terminals attached from the dashboard`, async () => {
    const workers = await Promise.all(
      Array.from({ length: TERMINALS }, async (_, i) => ({
        id: `w${i + 1}`,
        tag: `m${i + 1}`,
        ...(await flood(`m${i + 1}`, MEM_BYTES_EACH)),
      })),
    );
    await makeRun(RUN_MEM, workers);
    memory.idleBeforeAttachMb = rssMb(serverPid);
    const { context, page, errors } = await openDashboard(`#/runs/${RUN_MEM}/workers`, { width: 1600, height: 1200 });
    try {
      await waitFor(
        async () => (await page.locator('.terminal-state.state-attached').count()) === TERMINALS,
        `${TERMINALS} attached terminals`,
        60_000,
      );
      for (const w of workers) expect(await whenText(page, w.id, armed(w.tag, 1), 30_000), `${w.id} armed`).not.toBeNull();
      await sleep(FULL ? 1000 : 200);
      const idle = rssMb(serverPid);
      memory.attachedIdleMb = idle;
      const kids = childrenRss(serverPid);
      memory.attachProcesses = kids.count;
      memory.attachProcessesMb = kids.mb;
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(serverPid))), 50);
      const seen = Promise.all(workers.map((w) => whenText(page, w.id, marker(w.tag, 1), 240_000)));
      await sleep(100); // the waiters are armed
      const t0 = performance.now();
      await Promise.all(workers.map((w) => w.fire()));
      const at = await seen;
      memory.allPrintedMs = Math.round(performance.now() - t0);
      await sleep(500);
      clearInterval(sampler);
      memory.peakMb = Math.round(Math.max(peak, rssMb(serverPid)) * 10) / 10;
      memory.afterMb = rssMb(serverPid);
      memory.bytesEachMb = MEM_BYTES_EACH / MB;
      memory.terminals = TERMINALS;
      memory.clients = `${TERMINALS} xterm.js panes of the dashboard in one Chromium page (WebSockets from the browser)`;
      expect(
        at.every((x) => x !== null),
        'every terminal showed its marker',
      ).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    await waitFor(() => childrenRss(serverPid).count === 0, 'the attach processes to end after the page closed');
    for (const w of workers) await killSession(sessionName(RUN_MEM, w.id));
  }, 300_000);

  it(`${FLOOD_BYTES / MB} MB flood into xterm.js in Chromium`, async () => {
    const gen = await flood('xb', FLOOD_BYTES);
    await makeRun(RUN_FLOOD, [{ id: 'w1', command: gen.command }]);
    const { context, page, errors } = await openDashboard(`#/runs/${RUN_FLOOD}/workers`);
    try {
      await page.locator('.terminal-state.state-attached').first().waitFor({ timeout: 30_000 });
      const size = await page.evaluate(() => (globalThis as unknown as BenchGlobals).__mminionsTerminals!.size('w1'));
      cols = size!.cols;
      rows = size!.rows;
      for (let r = 1; r <= FLOOD_REPEATS; r++) {
        expect(await whenText(page, 'w1', armed('xb', r), 30_000), 'the generator waits').not.toBeNull();
        await sleep(300);
        const before = await received(page, 'w1');
        const seen = whenText(page, 'w1', marker('xb', r));
        await sleep(50); // the waiter is armed
        const t0 = performance.now();
        const wall0 = Date.now();
        await gen.fire();
        const at = await seen;
        const ms = Math.round(performance.now() - t0);
        expect(at, `marker ${marker('xb', r)} in xterm`).not.toBeNull();
        floods.push({
          path: 'bridge → xterm.js in Chromium',
          repeat: r,
          ms,
          bytes: (await received(page, 'w1')) - before,
          generatorMs: (await gen.doneAt()) - wall0,
        });
      }
      notes.serverHwmAfterBrowserFloodMb = rssMb(serverPid, 'VmHWM');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await killSession(sessionName(RUN_FLOOD, 'w1'));
    }
  }, 600_000);

  it('floors: the same bytes through the generator alone, a pty, tmux attach, and the bridge to a node client', async () => {
    for (let r = 1; r <= FLOOD_REPEATS; r++) {
      const res = await execa('python3', [floodScript, '-', String(FLOOD_BYTES), 'dn'], { stdout: 'ignore' });
      floods.push({ path: 'generator → /dev/null', repeat: r, ms: Number(String(res.stderr).trim()), bytes: FLOOD_BYTES });
    }
    /** Rounds of the flood on one stream: wait until armed, fire, time until the marker has passed. */
    const rounds = async (path: string, tag: string, watch: StreamWatch, gen: Flood) => {
      for (let r = 1; r <= FLOOD_REPEATS; r++) {
        await watch.when(armed(tag, r), 30_000);
        await sleep(300);
        const before = watch.bytes;
        const seen = watch.when(marker(tag, r));
        const t0 = performance.now();
        const wall0 = Date.now();
        await gen.fire();
        await seen;
        floods.push({
          path,
          repeat: r,
          ms: Math.round(performance.now() - t0),
          bytes: watch.bytes - before,
          generatorMs: (await gen.doneAt()) - wall0,
        });
      }
    };

    // The generator on a bare pty (node-pty, no tmux).
    const ptyGen = await flood('pt', FLOOD_BYTES);
    const direct = pty.spawn('sh', ['-c', ptyGen.command], { cols, rows, cwd: dir, env: attachEnv(process.env), encoding: null });
    try {
      const watch = new StreamWatch();
      direct.onData((d) => watch.push(d as unknown as Buffer));
      await rounds('generator → pty (no tmux)', 'pt', watch, ptyGen);
    } finally {
      direct.kill();
    }

    // Bare tmux attach under node-pty, read as fast as node can (no flow control, no browser).
    const floorSession = 'bench-floor-tmux';
    const tmGen = await flood('tm', FLOOD_BYTES);
    await tmux.newSession({ name: floorSession, cwd: dir, command: tmGen.command, width: cols, height: rows });
    const attach = pty.spawn('tmux', attachArgs(tmux.baseArgs(), floorSession, 'rw'), {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: dir,
      env: attachEnv(process.env),
      encoding: null,
    });
    try {
      const watch = new StreamWatch();
      attach.onData((d) => watch.push(d as unknown as Buffer));
      await rounds('tmux attach under node-pty', 'tm', watch, tmGen);
    } finally {
      attach.kill();
      await killSession(floorSession);
    }

    // The bridge (in the server) to a WebSocket client in node that acknowledges every frame at once.
    const wsGen = await flood('ws', FLOOD_BYTES);
    await makeRun(RUN_WS, [{ id: 'w1', command: wsGen.command }]);
    const { ws, watch } = ackingClient(RUN_WS);
    try {
      await rounds('bridge → ws client in node', 'ws', watch, wsGen);
    } finally {
      ws.close();
      await killSession(sessionName(RUN_WS, 'w1'));
    }
    for (const p of ['generator → pty (no tmux)', 'tmux attach under node-pty', 'bridge → ws client in node']) {
      expect(floods.filter((f) => f.path === p).length).toBe(FLOOD_REPEATS);
    }
  }, 600_000);

  /** Bottom pane (active): the echo program; top pane: a flood that starts on a FIFO write and never stops. */
  async function echoSession(
    session: string,
    tag: string,
    runId: string | null,
  ): Promise<Flood & { readAt: (n: number) => number }> {
    const echoScript = join(dir, 'echo.sh');
    await writeFile(echoScript, `${ECHO_SH}\n`);
    const log = join(dir, `echo-${tag}.log`);
    const command = `bash --norc --noprofile ${echoScript} ${log}`;
    if (runId) await makeRun(runId, [{ id: 'w1', command }]);
    else await tmux.newSession({ name: session, cwd: dir, command, width: cols, height: rows });
    const gen = await flood(tag, -1);
    await tmuxCmd(['split-window', '-d', '-b', '-v', '-l', '70%', '-t', `=${session}:`, gen.command]);
    /** Wall-clock ms when the program read key n (NaN if not logged). */
    const readAt = (n: number) => {
      const line = (existsSync(log) ? readFileSync(log, 'utf8') : '').split('\n').find((l) => l.startsWith(`${n} `));
      return line ? Number(line.split(' ')[1]) * 1000 : Number.NaN;
    };
    return { ...gen, readAt };
  }

  it('echo floor: keystrokes through a bare tmux attach under node-pty, idle and while flooding', async () => {
    const session = 'bench-floor-echo';
    const gen = await echoSession(session, 'ef', null);
    const attach = pty.spawn('tmux', attachArgs(tmux.baseArgs(), session, 'rw'), {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: dir,
      env: attachEnv(process.env),
      encoding: null,
    });
    try {
      const watch = new StreamWatch();
      attach.onData((d) => watch.push(d as unknown as Buffer));
      await watch.when(armed('ef', 1), 30_000);
      notes.echoFloorFloodMBps = (await rawEchoes(watch, (key) => attach.write(key), gen, ['tmux-idle', 'tmux-flood'])).floodMBps;
    } finally {
      attach.kill();
      await killSession(session);
    }

    // The same through the server's bridge to a WebSocket client in node (keys as input messages, every frame acknowledged at once).
    const wsGen = await echoSession(sessionName(RUN_WS_ECHO, 'w1'), 'ew', RUN_WS_ECHO);
    const { ws, watch } = ackingClient(RUN_WS_ECHO);
    try {
      await watch.when(armed('ew', 1), 30_000);
      await rawEchoes(watch, (key) => ws.send(JSON.stringify({ type: 'input', data: key })), wsGen, ['ws-idle', 'ws-flood']);
    } finally {
      ws.close();
      await killSession(sessionName(RUN_WS_ECHO, 'w1'));
    }
  }, 300_000);

  it('keystroke echo latency, idle and while the session floods', async () => {
    const session = sessionName(RUN_ECHO, 'w1');
    const gen = await echoSession(session, 'ec', RUN_ECHO);
    const { context, page, errors } = await openDashboard(`#/runs/${RUN_ECHO}/workers`);
    try {
      await page.locator('.terminal-state.state-attached').first().waitFor({ timeout: 30_000 });
      expect(await whenText(page, 'w1', armed('ec', 1), 30_000), 'the generator waits').not.toBeNull();
      expect(await terminals(page)).toEqual(['w1']);
      await page.getByRole('region', { name: 'Terminal w1' }).locator('.xterm').click();
      await sleep(500); // the focused terminal asks for WebGL
      notes.echoRenderer = await page.evaluate(() =>
        (globalThis as unknown as { __mminionsTerminals: { renderer(w: string): string | null } }).__mminionsTerminals.renderer(
          'w1',
        ),
      );
      await page.evaluate(() => {
        const g = globalThis as unknown as BenchGlobals;
        g.__bench = { t0: 0, wait: null, tSend: 0, tMsg: 0, needle: '', inputs: [] };
        g.addEventListener('keydown', () => (g.__bench!.t0 = performance.now()), true);
        // Where the time goes: when the key leaves as an input message, and when the frame holding its echo arrives
        // (this listener runs after the terminal's own handler, so that includes xterm's parse of the frame).
        const W = (globalThis as unknown as { WebSocket: { prototype: { send(d: unknown): void } } }).WebSocket;
        const send = W.prototype.send;
        W.prototype.send = function (this: BenchSocket, d: unknown) {
          if (typeof d === 'string' && d.startsWith('{"type":"input"')) {
            g.__bench!.tSend = performance.now();
            g.__bench!.inputs.push(d);
          }
          if (!this.__benchHooked) {
            this.__benchHooked = true;
            const dec = new TextDecoder();
            this.addEventListener('message', (ev: { data: unknown }) => {
              if (
                typeof ev.data !== 'string' &&
                g.__bench!.needle &&
                dec.decode(ev.data as ArrayBuffer).includes(g.__bench!.needle)
              )
                g.__bench!.tMsg = performance.now();
            });
          }
          return send.call(this, d);
        };
      });
      let n = 0;
      const typeOne = async (phase: EchoResult['phase']) => {
        n += 1;
        const key = String.fromCharCode(97 + (n % 26));
        await page.evaluate(
          ([needle]) => {
            const g = globalThis as unknown as BenchGlobals;
            Object.assign(g.__bench!, { needle, tSend: 0, tMsg: 0 });
            g.__bench!.wait = g
              .__mminionsTerminals!.whenText('w1', needle as string, 20_000)
              .then((t1) =>
                t1 === null
                  ? null
                  : new Promise<[number, number]>((r) => g.requestAnimationFrame(() => r([t1, performance.now()]))),
              );
          },
          [echoed(key, n)] as const,
        );
        await page.keyboard.press(key);
        const r = await page.evaluate(async () => {
          const g = globalThis as unknown as BenchGlobals;
          const at = await g.__bench!.wait;
          const b = g.__bench!;
          return at
            ? [
                at[0] - b.t0,
                at[1] - b.t0,
                b.tSend ? b.tSend - b.t0 : -1,
                b.tMsg ? b.tMsg - b.t0 : -1,
                performance.timeOrigin + b.t0,
              ]
            : null;
        });
        expect(r, `echo of key ${n} (${key})`).not.toBeNull();
        const r1 = (x: number) => Math.round(x * 10) / 10;
        echoes.push({
          phase,
          key: n,
          bufferMs: r1(r![0]!),
          frameMs: r1(r![1]!),
          sentMs: r1(r![2]!),
          arrivedMs: r1(r![3]!),
          readMs: r1(gen.readAt(n) - r![4]!),
        });
        await sleep(40 + Math.random() * 40); // typing pace, and independent samples
      };
      for (let i = 0; i < ECHO_IDLE; i++) await typeOne('idle');
      const before = await received(page, 'w1');
      await gen.fire();
      await waitFor(async () => (await received(page, 'w1')) - before > 256 * 1024, 'the flood to reach the terminal');
      const t0 = performance.now();
      const start = await received(page, 'w1');
      for (let i = 0; i < ECHO_FLOOD; i++) await typeOne('flood');
      const sec = (performance.now() - t0) / 1000;
      notes.echoFloodMBps = Math.round((((await received(page, 'w1')) - start) / MB / sec) * 10) / 10;
      notes.echoFloodSeconds = Math.round(sec * 10) / 10;
      // Every input message the page sent: one per key (xterm answering tmux's queries would add others).
      const inputs = await page.evaluate(() => (globalThis as unknown as BenchGlobals).__bench!.inputs);
      notes.echoInputMessages = inputs.length;
      notes.echoOtherInputs = inputs.filter((d) => !/^\{"type":"input","data":"[a-z]"\}$/.test(d)).slice(0, 5);
      expect(await tmux.capturePane(session, 5)).toContain(echoed(String.fromCharCode(97 + (n % 26)), n));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await killSession(session);
    }
    memory.serverHwmMb = rssMb(serverPid, 'VmHWM');
  }, 300_000);
});
