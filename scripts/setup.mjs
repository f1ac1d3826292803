#!/usr/bin/env node
// One-command setup: install dependencies (retrying without Electron's binary where it cannot be
// downloaded), build, then start the app. `npm run setup -- --no-start` stops after the build.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const noStart = process.argv.includes('--no-start');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function say(msg) {
  console.log(`\n[mminions setup] ${msg}`);
}

function run(cmd, args, env = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return res.status === 0;
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`[mminions setup] Node ${process.versions.node} is too old: install Node 20 or newer.`);
  process.exit(1);
}
for (const tool of ['tmux', 'git']) {
  if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error && spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    say(`warning: ${tool} is not installed; runs need it (e.g. \`sudo apt-get install ${tool}\` or \`brew install ${tool}\`).`);
  }
}
if (process.platform === 'linux' && spawnSync('bwrap', ['--version'], { stdio: 'ignore' }).error) {
  say(
    'warning: bubblewrap (bwrap) is not installed: the commands agents propose would run unsandboxed, with your files (`sudo apt-get install bubblewrap`; see docs/security.md).',
  );
}

const installArgs = existsSync(join(root, 'package-lock.json'))
  ? ['ci', '--no-audit', '--no-fund']
  : ['install', '--no-audit', '--no-fund'];
// node-pty builds from source; point node-gyp at the system's Node headers when they exist so it
// does not need to download them.
const headerEnv = !process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};

say(`installing dependencies (npm ${installArgs[0]})...`);
if (!process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  say(
    '(Electron downloads its binary from github.com. Where it cannot, npm prints an error for it and setup retries without it: the dashboard then opens in your browser.)',
  );
}
let desktop = true;
if (!run(npm, installArgs, headerEnv)) {
  say('the install failed; retrying without the Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD=1).');
  rmSync(join(root, 'node_modules'), { recursive: true, force: true });
  desktop = false;
  if (!run(npm, installArgs, { ...headerEnv, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })) {
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    console.error(
      '\n[mminions setup] npm could not install the dependencies (see the errors above). Nothing was left half-installed; fix the cause and run `npm run setup` again.',
    );
    process.exit(1);
  }
}

say('building (electron-vite build)...');
if (!run(npm, ['run', 'build'])) {
  console.error('\n[mminions setup] the build failed (see the errors above).');
  process.exit(1);
}

if (!desktop) {
  say(
    "Electron's binary could not be downloaded on this machine, so the dashboard will open in your browser instead of a desktop window. Everything else works the same.",
  );
}
say(
  `ready. ${noStart ? '`npm start` opens the app (`npm run start:browser`: the dashboard in your browser); ' : ''}\`npm run demo\` tries a whole run without an account; \`npx mminions --help\` lists the commands; \`npm test\` runs the tests (about 10 minutes).`,
);
if (noStart) process.exit(0);
process.exit(run(process.execPath, [join(root, 'scripts', 'start.mjs'), '--no-build']) ? 0 : 1);
