// POST /api/runs/<id>/stop and /send: stop a run, type a line into a worker's or the manager's session.
import { SendRequest, type SendResponse, type StopResponse } from '../../../common/api';
import { sendToWorker, stopRun } from '../../manager/control';
import { readBody, readJsonBody } from '../body';
import { existingRun, type RequestContext } from '../context';
import { sendJson, type Route } from '../http';
import { parseInput } from '../validate';

export const controlRoutes: Route<RequestContext>[] = [
  {
    method: 'POST',
    pattern: '/api/runs/:run/stop',
    handler: async ({ req, res, services }, { params }) => {
      await readBody(req); // no fields; still bounded to 1 MB
      const { runId } = await existingRun(services, params.run);
      const out: StopResponse = await stopRun(services.store, services.tmux, runId);
      sendJson(res, 200, out);
    },
  },
  {
    method: 'POST',
    pattern: '/api/runs/:run/send',
    handler: async ({ req, res, services }, { params }) => {
      const body = parseInput(SendRequest, await readJsonBody(req), 'body');
      const { runId } = await existingRun(services, params.run);
      await sendToWorker(services.store, services.tmux, runId, body.worker, body.text);
      const out: SendResponse = { run_id: runId, worker: body.worker, sent: true };
      sendJson(res, 200, out);
    },
  },
];
