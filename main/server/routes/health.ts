// GET /health: liveness, the only route without a token.
import type { Route } from '../http';
import { sendJson } from '../http';
import type { RequestContext } from '../context';

export const healthRoutes: Route<RequestContext>[] = [
  { method: 'GET', pattern: '/health', handler: ({ res }) => sendJson(res, 200, { ok: true }) },
];
