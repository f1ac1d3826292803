// JSON Schemas of the agent answers for `codex exec --output-schema`, in the subset OpenAI strict structured outputs accept.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ANSWER_SCHEMAS, type AgentRole } from '../../common/agentAnswers';

type JsonSchema = { [key: string]: unknown };

/**
 * Keywords kept. Strict mode rejects others (minLength/maxLength among them); the answers are
 * validated against the full zod schemas after parsing anyway, so dropping a bound loses nothing.
 */
const KEPT = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'description',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'pattern',
  '$defs',
  '$ref',
]);

/** Rewrites a JSON Schema for strict mode: closed objects, every property required, unsupported keywords dropped. */
export function toStrictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStrictSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const src = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(src)) {
    if (!KEPT.has(k)) continue;
    if (k === 'properties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v as JsonSchema).map(([name, s]) => [name, toStrictSchema(s)]));
    } else if (k === 'items' || k === 'anyOf') out[k] = toStrictSchema(v);
    else if ((k === 'maximum' && v === Number.MAX_SAFE_INTEGER) || (k === 'minimum' && v === Number.MIN_SAFE_INTEGER)) continue;
    else out[k] = v;
  }
  if (out.type === 'object' || out.properties) {
    const props = (out.properties ?? {}) as JsonSchema;
    out.properties = props;
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  return out;
}

export function outputSchema(role: AgentRole): JsonSchema {
  return toStrictSchema(z.toJSONSchema(ANSWER_SCHEMAS[role])) as JsonSchema;
}

/** Writes `<dir>/<role>.schema.json` (for --output-schema) and returns its path. */
export async function writeOutputSchema(role: AgentRole, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${role}.schema.json`);
  await writeFile(path, `${JSON.stringify(outputSchema(role), null, 2)}\n`);
  return path;
}
