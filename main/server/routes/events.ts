// GET /api/runs/<id>/events: the run's events.jsonl as server-sent events, resuming after Last-Event-ID.
import { EventsQuery, LastEventId } from '../../../common/api';
import { existingRun, type RequestContext } from '../context';
import { HttpError, header, type Route } from '../http';
import { existsSync } from 'node:fs';
import { isRunFile } from '../../runs/runStore';
import { EventStream } from '../sse';
import { parseInput, queryObject } from '../validate';

export const eventsRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    pattern: '/api/runs/:run/events',
    handler: async ({ req, res, target, services }, { params }) => {
      const q = parseInput(EventsQuery, queryObject(target.query), 'query');
      const last = header(req, 'last-event-id');
      const from = last !== undefined && last !== '' ? parseInput(LastEventId, last, 'Last-Event-ID header') : q.after;
      const { paths } = await existingRun(services, params.run);
      // A symlink in place of the log could stream any file of this machine.
      if (existsSync(paths.events) && !(await isRunFile(paths.dir, paths.events))) {
        throw new HttpError(422, `run ${params.run}: events.jsonl is not a regular file inside the run folder; not streamed`);
      }
      const stream: EventStream = new EventStream(
        res,
        paths.events,
        services.feeds,
        from === undefined ? 0 : Number(from),
        undefined,
        () => services.streams.delete(stream),
      );
      services.streams.add(stream);
    },
  },
];
