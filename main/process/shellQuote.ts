// POSIX shell quoting: turns untrusted strings into single shell words.

/** Characters that never need quoting in any shell word position (no `=`, `~`, globs, braces). */
const SAFE_WORD = /^[A-Za-z0-9_/.:@%+,-]+$/;

export class ShellQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

/**
 * One string as one shell word: left bare when it only holds safe characters, otherwise wrapped
 * in single quotes with each `'` written as `'\''`. NUL cannot appear in a shell word: throws.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new ShellQuoteError('cannot shell-quote a string that contains a NUL byte');
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one shell command line (each element quoted separately). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
