// Where a repro script is written in its worktree, so that it imports the code under test the way the issue does.
import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

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

/**
 * Makes `dir` (inside `root`) a real folder, each folder on the way too. What a sandboxed command left
 * in the worktree is never followed: a link (or a file) where a folder should be is removed, never
 * written through — a link to the person's home would otherwise let a repro's setup choose what the
 * manager, unsandboxed, writes there.
 */
export async function ensureDirInside(root: string, dir: string): Promise<void> {
  const rel = relative(root, dir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to create ${dir}: it is not inside ${root}`);
  let at = root;
  for (const part of rel ? rel.split(sep) : []) {
    at = join(at, part);
    const st = await lstat(at).catch(() => null);
    if (st?.isDirectory()) continue;
    if (st) await rm(at, { recursive: true, force: true });
    await mkdir(at).catch(async (err: NodeJS.ErrnoException) => {
      // Another probe made it in the meantime: fine, if it is a real folder.
      if (err.code !== 'EEXIST' || !(await lstat(at)).isDirectory()) throw err;
    });
  }
}

/**
 * Writes a repro (or a check, or a probe) into its worktree: the folders on the way are real ones
 * (see ensureDirInside), and whatever sits at the path — a file, a folder, a link a sandboxed command
 * planted — is removed first; the file is then created new, never through a link (O_EXCL, O_NOFOLLOW).
 */
export async function writeReproFile(worktree: string, path: string, script: string): Promise<void> {
  const rel = relative(worktree, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write ${path}: it is not inside ${worktree}`);
  await ensureDirInside(worktree, dirname(path));
  await rm(path, { recursive: true, force: true });
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(script);
  } finally {
    await fh.close();
  }
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
  // A real node_modules folder (a setup's `npm ci`) is kept; a link or file a command left there is not followed.
  const before = await lstat(modules).catch(() => null);
  const fresh = !before?.isDirectory();
  if (shared && fresh) {
    await ensureDirInside(worktree, modules);
    for (const entry of await readdir(shared)) {
      if (entry === name || entry === '.package-lock.json') continue;
      await symlink(join(shared, entry), join(modules, entry)).catch(() => undefined);
    }
  }
  if (name) {
    const self = join(modules, name);
    if (!(await exists(self))) {
      await ensureDirInside(worktree, dirname(self));
      await symlink(relative(join(self, '..'), worktree) || '.', self).catch(() => undefined);
    }
  }
  return shared;
}
