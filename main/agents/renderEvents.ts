// Turns codex `--json` event lines into one readable line each (worker terminals, `mminions render-events`).
import type { Readable, Writable } from 'node:stream';
import { oneLine, stripControls } from '../../common/text';

const MESSAGE_CHARS = 200;
const SHORT_CHARS = 120;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function renderItem(item: Json): string | null {
  switch (item.type) {
    case 'command_execution': {
      const exit =
        item.exit_code === null || item.exit_code === undefined ? String(item.status ?? '?') : `exit ${String(item.exit_code)}`;
      return `$ ${oneLine(str(item.command), SHORT_CHARS)} → ${exit}`;
    }
    case 'agent_message':
      return `agent: ${oneLine(str(item.text), MESSAGE_CHARS)}`;
    case 'reasoning':
      return `thinking: ${oneLine(str(item.text), SHORT_CHARS)}`;
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.map(obj) : [];
      const paths = changes.map((c) => `${str(c.kind) || 'change'} ${str(c.path)}`.trim());
      return `files: ${oneLine(paths.join(', ') || '(none)', MESSAGE_CHARS)}`;
    }
    case 'mcp_tool_call':
      return `tool: ${str(item.server)}${item.server ? '.' : ''}${str(item.tool)} → ${str(item.status) || '?'}`;
    case 'web_search':
      return `web search: ${oneLine(str(item.query), SHORT_CHARS)}`;
    case 'todo_list': {
      const items = Array.isArray(item.items) ? item.items.map(obj) : [];
      return `todo: ${items.filter((i) => i.completed === true).length}/${items.length} done`;
    }
    case 'error':
      return `warning: ${oneLine(str(item.message), SHORT_CHARS)}`;
    default:
      return null;
  }
}

/** One readable line for a codex JSONL event, the line itself if it is not JSON, or null for noise. */
export function renderEvent(line: string): string | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let ev: Json;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    ev = parsed as Json;
  } catch {
    return line;
  }
  switch (ev.type) {
    case 'thread.started':
      return `thread ${str(ev.thread_id)}`;
    case 'turn.started':
      return 'turn started';
    case 'item.completed':
      return renderItem(obj(ev.item));
    case 'turn.completed': {
      const u = obj(ev.usage);
      return `turn completed: ${num(u.input_tokens)} input tokens (${num(u.cached_input_tokens)} cached), ${num(u.output_tokens)} output`;
    }
    case 'turn.failed':
      return `turn failed: ${oneLine(str(obj(ev.error).message) || 'unknown error', MESSAGE_CHARS)}`;
    case 'error':
      return `error: ${oneLine(str(ev.message), SHORT_CHARS)}`;
    case 'item.started':
    case 'item.updated':
      return null;
    default:
      return typeof ev.type === 'string' ? null : line;
  }
}

/** Renders `input` line by line to `output`; resolves when input ends. */
export async function renderEventStream(input: Readable, output: Writable): Promise<void> {
  let pending = '';
  const emit = async (line: string) => {
    const r = renderEvent(line.replace(/\r$/, ''));
    if (r === null) return;
    // The pane is a terminal: agent text must not move its cursor, retitle it or write the clipboard.
    if (!output.write(`${stripControls(r)}\n`)) await new Promise<void>((resolve) => output.once('drain', resolve));
  };
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) await emit(line);
  }
  if (pending) await emit(pending);
}
