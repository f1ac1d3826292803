#!/usr/bin/env node
// The `mminions` command: runs the built CLI (out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.error(`mminions is not built yet: run \`npm run build\` in ${root}`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
