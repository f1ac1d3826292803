// GET /api/runs/<id>/events: the run's events.jsonl as server-sent events, resuming after Last-Event-ID.
import { EventsQuery, LastEventId } from '../../../common/api';
import { existingRun, type RequestContext } from '../context';
import { header, type Route } from '../http';
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
