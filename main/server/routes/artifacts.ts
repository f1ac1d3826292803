// GET /api/runs/<id>/artifacts/<name>: issue, candidates, minimal repro, hypotheses, decision, final report, telemetry...
import { ArtifactName } from '../../../common/api';
import { existingRun, type RequestContext } from '../context';
import { HttpError, sendJson, sendText, type Route } from '../http';
import { parseInput } from '../validate';

export const artifactsRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    pattern: '/api/runs/:run/artifacts/:name',
    handler: async ({ res, services }, { params }) => {
      const name = parseInput(ArtifactName, params.name, 'artifact name');
      const { runId, paths } = await existingRun(services, params.run);
      const a = await services.artifacts.read(paths, name);
      if (!a) throw new HttpError(404, `run ${runId} has no ${name} yet`, { artifact: name });
      if (a.kind === 'markdown')
        sendText(res, 200, a.body, 'text/markdown; charset=utf-8', {
          'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
        });
      else sendJson(res, 200, a.body);
    },
  },
];
