// GET /api/runs/<id>/status?lines=N: the Python prototype's status object (one tmux listing, captures only for live sessions).
import { StatusQuery } from '../../../common/api';
import { clampLines } from '../../runs/status';
import { existingRun, type RequestContext } from '../context';
import { sendJson, type Route } from '../http';
import { parseInput, queryObject } from '../validate';

export const statusRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    pattern: '/api/runs/:run/status',
    handler: async ({ res, target, services }, { params }) => {
      const q = parseInput(StatusQuery, queryObject(target.query), 'query');
      const { runId } = await existingRun(services, params.run);
      const lines = clampLines(q.lines ?? services.captureLines);
      sendJson(res, 200, await services.status.status(runId, lines));
    },
  },
];
