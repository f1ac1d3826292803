// `mminions render-events`: codex JSONL on stdin → one readable line per event on stdout.
import { renderEventStream } from '../agents/renderEvents';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('Usage: codex exec --json ... | mminions render-events');
    return 0;
  }
  process.stdout.on('error', () => undefined);
  await renderEventStream(process.stdin, process.stdout);
  return 0;
}
