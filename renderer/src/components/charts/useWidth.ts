// The pixel width of an element, kept current with a ResizeObserver (charts draw at their real size, so text stays legible).
import { useEffect, useRef, useState, type RefObject } from 'react';

export function useWidth<T extends HTMLElement>(fallback = 640): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) setWidth((prev) => (Math.abs(prev - w) >= 1 ? w : prev));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** A "nice" tick step (1, 2, 5 × 10^n seconds, or whole minutes/hours) for a span, about `count` ticks. */
export function niceStep(spanSec: number, count = 6): number {
  const raw = Math.max(spanSec / count, 1e-3);
  const candidates = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const hit = candidates.find((c) => c >= raw);
  if (hit) return hit;
  const days = Math.ceil(raw / 86400);
  return days * 86400;
}

export function tickLabel(sec: number): string {
  if (sec < 60) return `${Math.round(sec)}s`;
  if (sec < 3600) {
    const m = Math.floor(sec / 60);
    const s = Math.round(sec % 60);
    return s ? `${m}m${String(s).padStart(2, '0')}` : `${m}m`;
  }
  if (sec < 86400) return `${Math.round((sec / 3600) * 10) / 10}h`;
  return `${Math.round((sec / 86400) * 10) / 10}d`;
}
