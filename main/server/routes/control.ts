// POST /api/runs/<id>/stop and /send: stop a run; a follow-up to a worker's agent, or a command to the manager.
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
      const { delivered } = await sendToWorker(services.store, runId, body.worker, body.text);
      const out: SendResponse = { run_id: runId, worker: body.worker, sent: true, delivered };
      sendJson(res, 200, out);
    },
  },
];
