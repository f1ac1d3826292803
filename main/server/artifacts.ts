// Reads a run's artifacts for GET /api/runs/<id>/artifacts/<name>: JSON parsed once per change, telemetry read incrementally.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ArtifactName, InvocationTelemetry } from '../../common/api';
import { TelemetryReader } from '../agents/telemetry';
import { ArtifactCache } from '../runs/artifactCache';
import { isRunFile, RunStoreError, type RunPaths } from '../runs/runStore';

export type ArtifactBody = { kind: 'json'; body: unknown } | { kind: 'markdown'; body: string };

const AnyJson = z.unknown();
const JsonObject = z.record(z.string(), z.unknown());
const MINIMAL_REPRO = /^minimal_repro\.([A-Za-z0-9]{1,8})$/;
const INVOCATION = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})\.jsonl$/;
const MAX_TELEMETRY_READERS = 2_000;
/** fix/<fix_id>.json (not the fixers' answers, `<worker>.answer.json`, nor summary.json). */
const FIX_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FIX_RECORD = /^(?!summary\.json$)[A-Za-z0-9_-]{1,64}\.json$/;

/** Natural order: w2 before w10. */
const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export class ArtifactReader {
  private readonly cache = new ArtifactCache();
  private readonly telemetry = new Map<string, TelemetryReader>();

  /**
   * The artifact, or null when the run has not written it yet. Only regular files inside the run
   * folder are read (isRunFile): a symlink an agent left there reads as missing.
   */
  async read(paths: RunPaths, name: ArtifactName): Promise<ArtifactBody | null> {
    switch (name) {
      case 'issue':
        return this.json(paths, paths.issue);
      case 'sessions':
        return this.json(paths, paths.sessions);
      case 'selected_candidate':
        return this.json(paths, paths.selectedCandidate);
      case 'hypotheses':
        return this.json(paths, paths.hypotheses);
      case 'fixes':
        return this.fixes(paths);
      case 'decision':
        return this.json(paths, paths.decision);
      case 'run_done':
        return this.json(paths, paths.runDone);
      case 'candidates':
        return { kind: 'json', body: { candidates: await this.candidates(paths) } };
      case 'minimal_repro':
        return this.minimalRepro(paths);
      case 'final':
        return this.final(paths);
      case 'telemetry':
        return { kind: 'json', body: { invocations: await this.invocations(paths) } };
    }
  }

  private async json(paths: RunPaths, path: string): Promise<ArtifactBody | null> {
    if (!(await isRunFile(paths.dir, path))) return null;
    const body = await this.cache.read(path, AnyJson);
    return body === null ? null : { kind: 'json', body };
  }

  private async candidates(paths: RunPaths): Promise<unknown[]> {
    const names = (await listDir(paths.candidatesDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort(natural);
    const out: unknown[] = [];
    for (const n of names) {
      try {
        if (!(await isRunFile(paths.dir, join(paths.candidatesDir, n)))) continue;
        const c = await this.cache.read(join(paths.candidatesDir, n), JsonObject);
        if (c) out.push(c);
      } catch (err) {
        if (!(err instanceof RunStoreError)) throw err; // a half-written or damaged candidate is skipped
      }
    }
    return out;
  }

  /** Every fix record with its patch text; the summary once written (its order, best first), else the records as proposed. */
  private async fixes(paths: RunPaths): Promise<ArtifactBody | null> {
    const readJsonFile = async (path: string) => {
      try {
        return (await isRunFile(paths.dir, path)) ? await this.cache.read(path, JsonObject) : null;
      } catch (err) {
        if (err instanceof RunStoreError) return null; // half-written or damaged: skipped
        throw err;
      }
    };
    const summary = await readJsonFile(paths.fixSummary);
    let records: Array<Record<string, unknown>>;
    if (summary && Array.isArray(summary.fixes)) records = summary.fixes as Array<Record<string, unknown>>;
    else {
      const names = (await listDir(paths.fixDir)).filter((n) => FIX_RECORD.test(n)).sort(natural);
      records = [];
      for (const n of names) {
        const r = await readJsonFile(join(paths.fixDir, n));
        if (r) records.push(r);
      }
    }
    if (!summary && records.length === 0) return null;
    const fixes = await Promise.all(
      records.map(async (r) => {
        const id = typeof r.fix_id === 'string' && FIX_ID.test(r.fix_id) ? r.fix_id : null;
        const file = id ? join(paths.fixDir, `${id}.patch`) : null;
        const patch = file && (await isRunFile(paths.dir, file)) ? await readFile(file, 'utf8').catch(() => null) : null;
        return { ...r, patch };
      }),
    );
    return { kind: 'json', body: { summary, fixes } };
  }

  private async minimalRepro(paths: RunPaths): Promise<ArtifactBody | null> {
    let best: { path: string; ext: string; mtime: number } | null = null;
    for (const n of await listDir(paths.reproDir)) {
      const m = MINIMAL_REPRO.exec(n);
      if (!m) continue;
      const path = join(paths.reproDir, n);
      const st = (await isRunFile(paths.dir, path)) ? await stat(path).catch(() => null) : null;
      if (st?.isFile() && (!best || st.mtimeMs > best.mtime)) best = { path, ext: m[1]!, mtime: st.mtimeMs };
    }
    if (!best) return null;
    const script = await readFile(best.path, 'utf8').catch(() => null);
    return script === null ? null : { kind: 'json', body: { path: best.path, ext: best.ext, script } };
  }

  private async final(paths: RunPaths): Promise<ArtifactBody | null> {
    if (!(await isRunFile(paths.dir, paths.finalReport))) return null;
    const text = await readFile(paths.finalReport, 'utf8').catch(() => null);
    return text === null ? null : { kind: 'markdown', body: text };
  }

  private async invocations(paths: RunPaths): Promise<InvocationTelemetry[]> {
    const names = (await listDir(paths.telemetryDir)).sort(natural);
    const out: InvocationTelemetry[] = [];
    for (const n of names) {
      const m = INVOCATION.exec(n);
      if (!m) continue;
      const path = join(paths.telemetryDir, n);
      if (!(await isRunFile(paths.dir, path))) continue;
      let reader = this.telemetry.get(path);
      if (!reader) {
        if (this.telemetry.size >= MAX_TELEMETRY_READERS) this.telemetry.delete(this.telemetry.keys().next().value as string);
        reader = new TelemetryReader(path);
        this.telemetry.set(path, reader);
      }
      const s = await reader.read();
      out.push({
        invocation: m[1]!,
        usage: s.usage,
        thread_id: s.thread_id,
        commands_run: s.commands_run,
        last_event_at: s.last_event_at,
        errors: s.errors,
      });
    }
    return out;
  }
}
