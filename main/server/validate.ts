// Validates request input with the shared zod schemas; a failure is a 400 naming the field and what is expected.
import type { z } from 'zod';
import { HttpError } from './http';

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join('.');
      return path && !i.message.startsWith(`${path}:`) ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** `where`: what was being read ("body", "query", "run id"), used in the message. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  throw new HttpError(400, `invalid ${where}: ${describeIssues(res.error.issues)}`, {
    issues: res.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

/** A 400 about one field, shaped like parseInput's: the message names the field, `issues` gives its path. */
export function fieldError(field: string, message: string): HttpError {
  return new HttpError(400, `${field}: ${message}`, { issues: [{ path: field, message: `${field}: ${message}` }] });
}

/** A query string as a plain object (the first value of each key). */
export function queryObject(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) if (!(k in out)) out[k] = v;
  return out;
}
