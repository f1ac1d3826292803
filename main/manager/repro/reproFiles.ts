// Where a repro script is written in its worktree, so that it imports the code under test the way the issue does.
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Extensions run by Node.js (or a TypeScript runner): their repro sits at the worktree's root. */
const NODE_EXTENSIONS = new Set(['js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'jsx', 'tsx']);

/** Letters and digits only, at most 8 characters; `txt` when nothing is left. */
export function sanitizeExtension(ext: string): string {
  return ext.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'txt';
}

/** A file-name-safe form of a candidate id. */
export function sanitizeCandidateId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'candidate';
}

export function isNodeExtension(ext: string): boolean {
  return NODE_EXTENSIONS.has(sanitizeExtension(ext).toLowerCase());
}

/**
 * The path of a repro (or of a minimization probe, with `suffix`). JavaScript and TypeScript repros
 * sit at the worktree's root, where `require('./')`, `import … from './lib/x.js'` and the package's
 * own name (see linkPackage) resolve as they do for a maintainer; others sit in `.mminions/`, and the
 * repository is importable through PYTHONPATH. Either way the command runs from the worktree's root.
 */
export function reproFilePath(worktree: string, candidateId: string, ext: string, suffix = ''): string {
  const e = sanitizeExtension(ext);
  const id = sanitizeCandidateId(candidateId);
  return isNodeExtension(e)
    ? join(worktree, `mminions-repro-${id}${suffix}.${e}`)
    : join(worktree, '.mminions', `repro_${id}${suffix}.${e}`);
}

export async function writeReproFile(path: string, script: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, script);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Makes a Node.js package resolvable by its own name in its worktree (`require('js-yaml')`, `import
 * yaml from 'js-yaml'`): `node_modules/<name>` links back to the worktree. When the worktree has no
 * `node_modules` and the user's checkout has one, its entries are linked in (read-only: the sandbox
 * shows that folder read-only; a setup command such as `npm ci` may replace them). Returns the folder
 * the sandbox must show, or null.
 */
export async function linkPackage(worktree: string, userRepo?: string): Promise<string | null> {
  let name: string | null = null;
  try {
    const pkg = JSON.parse(await readFile(join(worktree, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string' && /^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/i.test(pkg.name)) name = pkg.name;
  } catch {
    return null; // not a Node.js package: nothing to link
  }
  const modules = join(worktree, 'node_modules');
  const theirs = userRepo ? join(userRepo, 'node_modules') : null;
  const shared = theirs && existsSync(theirs) ? theirs : null;
  if (shared && !(await exists(modules))) {
    await mkdir(modules, { recursive: true });
    for (const entry of await readdir(shared)) {
      if (entry === name || entry === '.package-lock.json') continue;
      await symlink(join(shared, entry), join(modules, entry)).catch(() => undefined);
    }
  }
  if (name) {
    const self = join(modules, name);
    if (!(await exists(self))) {
      await mkdir(join(self, '..'), { recursive: true });
      await symlink(relative(join(self, '..'), worktree) || '.', self).catch(() => undefined);
    }
  }
  return shared;
}
