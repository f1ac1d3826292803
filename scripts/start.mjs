#!/usr/bin/env node
// `npm start`: build, then open the desktop app; without an Electron binary, serve the same
// dashboard with `mminions server` and print the URL to open in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const extra = process.argv.slice(2);

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when it was not downloaded.
    return createRequire(join(root, 'package.json'))('electron');
  } catch {
    return null;
  }
}

const forward = (child) => {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
};

const electron = process.env.MMINIONS_BROWSER ? null : electronBinary();
if (electron) {
  console.log('[mminions] opening the desktop app...');
  forward(spawn(electron, [root, ...extra.filter((a) => a !== '--no-build')], { cwd: root, stdio: 'inherit' }));
} else {
  console.log(
    process.env.MMINIONS_BROWSER
      ? '[mminions] MMINIONS_BROWSER is set: serving the dashboard for your browser.'
      : '[mminions] Electron is not installed on this machine, so the desktop window cannot open.',
  );
  console.log(
    '[mminions] Open the URL printed below in your browser (it carries your access token). Stop with Ctrl+C; runs keep going.',
  );
  forward(
    spawn(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'server', ...extra.filter((a) => a !== '--no-build')], {
      cwd: root,
      stdio: 'inherit',
    }),
  );
}
