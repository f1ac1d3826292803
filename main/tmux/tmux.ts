// The tmux client: sessions for the manager and workers, always on the configured socket.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export class TmuxError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly args: string[],
  ) {
    super(message);
    this.name = 'TmuxError';
  }
}

export interface NewSessionOptions {
  name: string;
  cwd: string;
  /** A shell command line run by tmux (through the default shell). */
  command?: string;
  env?: Record<string, string>;
  width?: number;
  height?: number;
}

const SESSION_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** What tmux prints when no server answers on the socket: no sessions exist. */
const NO_SERVER = /no server running|error connecting|No such file|server exited unexpectedly|lost server/i;
/**
 * What tmux prints when it reached a server that was exiting (its last session just ended) before
 * the server answered. The command did nothing; run again, it starts or finds a server afresh.
 */
const SERVER_EXITING = /server exited unexpectedly|lost server/i;

/** Session names of a run: codorch-<run_id>-<worker>. */
export function sessionName(runId: string, worker: string): string {
  return `codorch-${runId}-${worker}`;
}

/**
 * The session of a worker as recorded in sessions.json, when it has the only shape a run's session
 * can have (`codorch-<this run>-<worker>`); otherwise the name it must have. A recorded name is
 * data from disk: a run must never send to, attach to or kill another run's session.
 */
export function trustedSessionName(runId: string, workerId: string, recorded: string | undefined): string {
  const expected = sessionName(runId, workerId);
  return recorded === expected ? recorded : expected;
}

/**
 * Whether a session is one of this run's own (its manager or a worker `wN`). A prefix test is not
 * enough: run ids can extend each other (`run-<time>` and `run-<time>-2`, two runs in one second).
 */
export function isRunSession(name: string, runId: string): boolean {
  const prefix = `codorch-${runId}-`;
  return name.startsWith(prefix) && /^(manager|w\d+)$/.test(name.slice(prefix.length));
}

const STATUS_LINE: ReadonlyArray<readonly [string, string]> = [
  ['status-style', 'fg=brightblack,bg=default'],
  ['status-left-length', '120'],
  ['status-left', ' #{session_name}'],
  ['status-right', ''],
  ['window-status-format', ''],
  ['window-status-current-format', ''],
];

export class Tmux {
  /** @param socket a tmux `-L` socket name; null for tmux's default server. */
  constructor(
    readonly socket: string | null,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The argv prefix that reaches this server (also used by node-pty attach and by scripts). */
  baseArgs(): string[] {
    return this.socket ? ['-L', this.socket] : [];
  }

  private async run(args: string[], opts: { input?: string; reject?: boolean } = {}) {
    const full = [...this.baseArgs(), ...args];
    const env = { ...process.env };
    delete env.TMUX; // never nest into the caller's tmux client
    const once = () =>
      execa('tmux', full, {
        reject: false,
        timeout: this.timeoutMs,
        env,
        extendEnv: false,
        input: opts.input,
        stdin: opts.input === undefined ? 'ignore' : 'pipe',
        stripFinalNewline: false,
      });
    let res = await once();
    // A server that was exiting as we connected: try again (it is a race with the server's last
    // moments, not a state that lasts; on a busy machine those moments can stretch, so up to 2 s).
    const giveUp = Date.now() + 2_000;
    for (let i = 1; res.failed && !res.timedOut && SERVER_EXITING.test(String(res.stderr ?? '')) && Date.now() < giveUp; i++) {
      await new Promise((r) => setTimeout(r, Math.min(100, 10 * i)));
      res = await once();
    }
    if (res.failed && opts.reject !== false) {
      const stderr = String(res.stderr ?? '').trim();
      const what = res.timedOut ? `timed out after ${this.timeoutMs} ms` : stderr || `exit code ${res.exitCode}`;
      throw new TmuxError(`tmux ${args[0]} failed: ${what}`, stderr, full);
    }
    return res;
  }

  async newSession(o: NewSessionOptions): Promise<void> {
    if (!SESSION_NAME.test(o.name)) throw new TmuxError(`invalid tmux session name: ${JSON.stringify(o.name)}`, '', []);
    const args = ['new-session', '-d', '-s', o.name, '-c', o.cwd, '-x', String(o.width ?? 200), '-y', String(o.height ?? 50)];
    for (const [k, v] of Object.entries(o.env ?? {})) args.push('-e', `${k}=${v}`);
    if (o.command) args.push(o.command);
    // Keep the pane after the command exits so its last output stays readable. Chained in the
    // same tmux command so it is set before the server can notice a fast command's exit.
    args.push(';', 'set-option', '-w', '-t', `=${o.name}:`, 'remain-on-exit', 'on');
    // A quiet status line naming the whole session (tmux's default cuts it to 10 characters, in
    // bright green, with the host and clock), in the terminal's own colours.
    // (-q: an option this tmux does not know is no reason to fail a session that has started.)
    for (const [k, v] of STATUS_LINE) args.push(';', 'set-option', '-q', '-t', `=${o.name}:`, k, v);
    await this.run(args);
  }

  /**
   * The size a client of the session's window has: the window's width, and its height plus the
   * status line when the session shows one. Null when there is no such session.
   */
  async clientSize(name: string): Promise<{ cols: number; rows: number } | null> {
    const res = await this.run(['display-message', '-p', '-t', `=${name}:`, '#{window_width} #{window_height} #{status}'], {
      reject: false,
    });
    const m = /^(\d+) (\d+) (\S+)/.exec(res.stdout.trim());
    if (res.exitCode !== 0 || !m) return null;
    const status = m[3] === 'off' || m[3] === '0' ? 0 : Math.max(1, Number(m[3]) || 1);
    return { cols: Number(m[1]), rows: Number(m[2]) + status };
  }

  async hasSession(name: string): Promise<boolean> {
    return (await this.sessionState(name)) === 'present';
  }

  /**
   * Whether a session exists, with "don't know" told apart: `absent` only when tmux says so (no such
   * session, no server); a call that timed out or failed otherwise is `unknown`.
   */
  async sessionState(name: string): Promise<'present' | 'absent' | 'unknown'> {
    const res = await this.run(['has-session', '-t', `=${name}`], { reject: false });
    if (res.exitCode === 0) return 'present';
    if (res.timedOut) return 'unknown';
    const err = String(res.stderr ?? '');
    return /can't find session|no server running|error connecting to .*\((No such file or directory|Connection refused)\)/i.test(
      err,
    )
      ? 'absent'
      : 'unknown';
  }

  /** Every session on this server in one call (empty when no server runs). */
  async listSessions(): Promise<Set<string>> {
    const res = await this.run(['list-sessions', '-F', '#{session_name}'], { reject: false });
    if (res.exitCode !== 0) {
      const err = String(res.stderr ?? '');
      if (NO_SERVER.test(err)) return new Set();
      throw new TmuxError(`tmux list-sessions failed: ${err.trim()}`, err, []);
    }
    return new Set(String(res.stdout).split('\n').filter(Boolean));
  }

  /** Whether the pane's command has exited (remain-on-exit keeps the pane). */
  async paneDead(name: string): Promise<boolean | null> {
    const res = await this.run(['display-message', '-p', '-t', `=${name}:`, '#{pane_dead}'], { reject: false });
    if (res.exitCode !== 0) return null;
    return String(res.stdout).trim() === '1';
  }

  async killSession(name: string): Promise<boolean> {
    const res = await this.run(['kill-session', '-t', `=${name}`], { reject: false });
    return res.exitCode === 0;
  }

  /**
   * Kills these sessions with one tmux process (a command sequence) when they all exist; tmux stops a
   * sequence at the first session that does not, so then each is killed on its own. Quiet about
   * sessions that are already gone.
   */
  async killSessions(names: string[]): Promise<void> {
    if (names.length === 0) return;
    if (names.length === 1) {
      await this.killSession(names[0] as string);
      return;
    }
    const args = names.flatMap((n, i) => [...(i ? [';'] : []), 'kill-session', '-t', `=${n}`]);
    const res = await this.run(args, { reject: false });
    if (res.exitCode !== 0) await Promise.all(names.map((n) => this.killSession(n)));
  }

  /** Types `text` literally (no key-name interpretation), then Enter as a separate key. */
  async sendText(name: string, text: string, enter = true): Promise<void> {
    if (text.length > 0) await this.run(['send-keys', '-t', `=${name}:`, '-l', '--', text]);
    if (enter) await this.run(['send-keys', '-t', `=${name}:`, 'Enter']);
  }

  /** The last `lines` lines of the session's pane; `escapes` keeps colour sequences. */
  async capturePane(name: string, lines = 120, escapes = false): Promise<string> {
    const n = Math.max(1, Math.floor(lines));
    const args = ['capture-pane', '-p', '-J', '-t', `=${name}:`, '-S', `-${n}`];
    if (escapes) args.push('-e');
    const res = await this.run(args);
    return paneTail(String(res.stdout), n);
  }

  /**
   * Every session's name plus the pane tails of `names` (those that exist), in ONE tmux process
   * when they all exist: `list-sessions ; capture-pane … ; capture-pane …` as one command sequence,
   * each output followed by a random marker line so the outputs can be told apart. tmux stops a
   * sequence at the first command that fails (a session that has ended), so then the remaining
   * names that the listing shows are captured by a further call. Put the names most likely to
   * exist first. The result is what `listSessions()` plus one `capturePane()` per live name would
   * give, for the cost of about one spawn instead of 1 + names (the status API's hot path).
   */
  async snapshot(names: string[], lines = 120): Promise<{ sessions: Set<string>; panes: Map<string, string> }> {
    const n = Math.max(1, Math.floor(lines));
    const mark = `mminions-mark-${randomBytes(8).toString('hex')}`;
    const markCmd = ['display-message', '-p', mark];
    const sequence = (withList: boolean, targets: string[]) => {
      const args = [...markCmd];
      if (withList) args.push(';', 'list-sessions', '-F', '#{session_name}', ';', ...markCmd);
      for (const t of targets) args.push(';', 'capture-pane', '-p', '-J', '-t', `=${t}:`, '-S', `-${n}`, ';', ...markCmd);
      return args;
    };
    /** The outputs that a marker closed: a command cut short by a failure has none. */
    const outputs = (stdout: unknown) =>
      String(stdout ?? '')
        .split(`${mark}\n`)
        .slice(1, -1);

    let todo = [...new Set(names)];
    const first = await this.run(sequence(true, todo), { reject: false });
    if (first.timedOut) throw new TmuxError(`tmux list-sessions failed: timed out after ${this.timeoutMs} ms`, '', []);
    const out = outputs(first.stdout);
    if (out.length === 0) {
      const err = String(first.stderr ?? '');
      if (NO_SERVER.test(err)) return { sessions: new Set(), panes: new Map() };
      throw new TmuxError(`tmux list-sessions failed: ${err.trim() || `exit code ${first.exitCode}`}`, err, []);
    }
    const sessions = new Set(out[0]!.split('\n').filter(Boolean));
    const panes = new Map<string, string>();
    let captured = out.slice(1);
    for (;;) {
      captured.forEach((text, i) => panes.set(todo[i]!, paneTail(text, n)));
      // todo[captured.length] failed (it has ended, or never ran); retry only what the listing shows.
      todo = todo.slice(captured.length + 1).filter((t) => sessions.has(t));
      if (todo.length === 0) break;
      const res = await this.run(sequence(false, todo), { reject: false });
      if (res.timedOut) break;
      captured = outputs(res.stdout);
    }
    return { sessions, panes };
  }

  /** The socket file of a named server (tmux's own rule: $TMUX_TMPDIR or /tmp, then tmux-<uid>/<name>). */
  socketPath(): string | null {
    if (!this.socket) return null;
    return join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket);
  }

  /** The server's pid, or null when no server answers (none runs). */
  async serverPid(): Promise<number | null> {
    const res = await this.run(['display-message', '-p', '#{pid}'], { reject: false });
    const pid = Number(String(res.stdout).trim());
    return res.exitCode === 0 && Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** Ends the server and, for a named socket, removes its file and its start lock (tmux can leave both behind). */
  async killServer(): Promise<void> {
    await this.run(['kill-server'], { reject: false });
    const path = this.socketPath();
    if (path) await Promise.all([path, `${path}.lock`].map((p) => rm(p, { force: true }).catch(() => undefined)));
  }
}

/** The screen below the last output is blank (a dead pane prints its status at the bottom):
 *  collapse blank runs so the tail holds output, not padding; then the last `n` lines. */
function paneTail(stdout: string, n: number): string {
  const out = stdout.replace(/\s+$/, '').replace(/\n(?:[ \t]*\n){2,}/g, '\n\n');
  return out.split('\n').slice(-n).join('\n');
}
