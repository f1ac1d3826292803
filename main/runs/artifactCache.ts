// Parses a JSON artifact once per change (keyed by path, mtime and size), not once per request.
import { stat, readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { parseJsonArtifact } from './runStore';

interface Entry {
  mtimeMs: number;
  size: number;
  value: unknown;
}

export class ArtifactCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 2_000) {}

  /** The parsed artifact, or null when missing. Invalid content throws (RunStoreError). */
  async read<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | null> {
    let st;
    try {
      st = await stat(path);
    } catch {
      this.entries.delete(path);
      return null;
    }
    const hit = this.entries.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as z.infer<S>;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return null;
    }
    const value = parseJsonArtifact(path, text, schema);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(path, { mtimeMs: st.mtimeMs, size: st.size, value });
    return value;
  }
}
