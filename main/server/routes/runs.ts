// GET /api/runs (the Python prototype's ids plus one line per run) and POST /api/runs (start a run through the launcher).
import { stat } from 'node:fs/promises';
import { StartRunRequest, type RunsResponse, type StartRunResponse } from '../../../common/api';
import { allowedHostsForApi, parseIssueUrl } from '../../issue/githubUrl';
import { repoTopLevel } from '../../git/worktrees';
import { launchManager, makeRunRequest } from '../../manager/launcher';
import { readJsonBody } from '../body';
import type { RequestContext } from '../context';
import { sendJson, type Route } from '../http';
import { issueSource, runConfig } from '../runRequest';
import { fieldError, parseInput } from '../validate';

async function requireKind(path: string, field: string, kind: 'dir' | 'file'): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (!st) throw fieldError(field, `${path} does not exist`);
  if (kind === 'dir' && !st.isDirectory()) throw fieldError(field, `${path} is not a folder (give the repository's folder)`);
  if (kind === 'file' && !st.isFile()) throw fieldError(field, `${path} is not a file`);
}

export const runsRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    pattern: '/api/runs',
    handler: async ({ res, services }) => {
      const items = await services.status.list();
      const body: RunsResponse = { runs: items.map((i) => i.run_id), count: items.length, items };
      sendJson(res, 200, body);
    },
  },
  {
    method: 'POST',
    pattern: '/api/runs',
    handler: async ({ req, res, services }) => {
      const body = parseInput(StartRunRequest, await readJsonBody(req), 'body');
      if (body.issue_url !== undefined) {
        try {
          parseIssueUrl(body.issue_url, { allowedHosts: allowedHostsForApi(services.config.github.api_url) });
        } catch (err) {
          throw fieldError('issue_url', (err as Error).message);
        }
      }
      await requireKind(body.repo_path, 'repo_path', 'dir');
      if (body.issue_file !== undefined) await requireKind(body.issue_file, 'issue_file', 'file');
      // A cheap check now rather than a run that fails in preflight.
      await repoTopLevel(body.repo_path).catch((err: Error) => {
        throw fieldError('repo_path', err.message);
      });
      const launched = await launchManager({
        request: makeRunRequest(runConfig(services.config, body), issueSource(body), 'api'),
        tmux: services.tmux,
        selfCommand: services.selfCommand(),
      });
      const out: StartRunResponse = {
        run_id: launched.run_id,
        run_done: launched.run_done,
        manager_session: launched.manager_session,
      };
      sendJson(res, 201, out);
    },
  },
];
