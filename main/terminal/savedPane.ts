// The last captured output of a session that has ended (agents/<invocation>.pane.txt, saved by the manager).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const INVOCATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The saved pane's last `lines` lines, or '' when nothing was saved. */
export async function savedPaneTail(agentsDir: string, invocation: string | null | undefined, lines = 120): Promise<string> {
  if (!invocation || !INVOCATION.test(invocation)) return '';
  try {
    const text = await readFile(join(agentsDir, `${invocation}.pane.txt`), 'utf8');
    return text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
