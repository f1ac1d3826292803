// WebSocket /api/runs/<id>/terminal/<worker|manager>?mode=rw|ro: a live view of (and keyboard into) a tmux session.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { SessionsFile } from '../../../common/artifacts';
import { TerminalQuery, WorkerId } from '../../../common/api';
import { workerSession } from '../../manager/control';
import { savedPaneTail } from '../../terminal/savedPane';
import { sendEnded } from '../../terminal/bridge';
import { existingRun, type Services } from '../context';
import { matchRoute, type Route, type Target } from '../http';
import { parseInput, queryObject } from '../validate';

const TERMINAL: Route<null>[] = [{ method: 'GET', pattern: '/api/runs/:run/terminal/:worker', handler: () => undefined }];

/** Resolves the session and upgrades; any problem before the upgrade is thrown (an HttpError) for the caller to answer. */
export async function upgradeTerminal(
  services: Services,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: Target,
): Promise<void> {
  const { params } = matchRoute(TERMINAL, req.method ?? 'GET', target.segments);
  const worker = parseInput(WorkerId, params.worker, 'worker');
  const q = parseInput(TerminalQuery, queryObject(target.query), 'query');
  const { runId, paths } = await existingRun(services, params.run);
  const session = await workerSession(services.store, runId, worker);
  const exists = await services.tmux.hasSession(session);
  const invocation = async () => {
    if (worker === 'manager') return 'manager';
    const sessions = await services.status.cache.read(paths.sessions, SessionsFile).catch(() => null);
    return sessions?.workers.find((w) => w.worker_id === worker)?.invocation ?? null;
  };
  const paneTail = async () => savedPaneTail(paths.agentsDir, await invocation());
  const windowSize = () => services.tmux.clientSize(session);
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (!exists) {
      void paneTail().then((tail) =>
        sendEnded(
          ws,
          `session ${session} is not running: the ${worker === 'manager' ? 'manager' : `worker ${worker}`} has ended (its last output is below, if it was saved)`,
          tail,
        ),
      );
      return;
    }
    const open = (size: { cols: number; rows: number } | null) =>
      services.terminals.open(ws, {
        tmuxBase: services.tmux.baseArgs(),
        session,
        mode: q.mode,
        cols: size?.cols ?? q.cols,
        rows: size?.rows ?? q.rows,
        paneTail,
        ...(q.mode === 'ro' ? { windowSize } : {}),
      });
    if (q.mode === 'ro') void windowSize().then(open, () => open(null));
    else open(null);
  });
}
