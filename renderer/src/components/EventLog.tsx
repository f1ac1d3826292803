// The live event log: newest at the bottom, follows new events unless the person scrolled up.
import { useEffect, useRef } from 'react';
import type { RunEvent } from '../api/types';
import { describeEvent } from '../model/eventText';
import { formatTime } from '../model/format';

export const EVENT_LOG_LIMIT = 500;

export function EventLog({ events }: { events: RunEvent[] }) {
  const ref = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  const shown = events.length > EVENT_LOG_LIMIT ? events.slice(events.length - EVENT_LOG_LIMIT) : events;
  useEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [shown.length]);
  return (
    <ol
      ref={ref}
      className="event-log"
      role="log"
      aria-label="Run events"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {shown.length === 0 ? <li className="muted">No events yet.</li> : null}
      {shown.map((e, i) => {
        const d = describeEvent(e);
        return (
          <li key={events.length - shown.length + i} className={`event tone-${d.tone}`}>
            <time dateTime={e.ts}>{formatTime(e.ts)}</time>
            <span className="event-type">{e.type}</span>
            <span className="event-text">{d.text}</span>
          </li>
        );
      })}
    </ol>
  );
}
