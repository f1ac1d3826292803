// GET /api/config: the run form's defaults (from mminions.toml and the server's flags).
import type { ConfigResponse } from '../../../common/api';
import type { RequestContext } from '../context';
import { sendJson, type Route } from '../http';

export const configRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    pattern: '/api/config',
    handler: ({ res, services }) => {
      const m = services.config.manager;
      const body: ConfigResponse = {
        defaults: {
          repo_path: m.repo_path,
          runs_root: m.runs_root,
          workers: m.workers,
          fix_workers: m.fix_workers,
          timeout_sec: m.timeout_sec,
          worker_model: m.worker_model,
          manager_model: m.manager_model,
          repro_validation_runs: m.repro_validation_runs,
          repro_min_matches: m.repro_min_matches,
        },
      };
      sendJson(res, 200, body);
    },
  },
];
