// shellQuote: hostile strings survive a round trip through a real shell unchanged.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from './shellQuote';

const HOSTILE = [
  '',
  'plain',
  "it's",
  "'",
  "''",
  '"double" quotes',
  '$(touch /tmp/pwned-mminions)',
  '`id`',
  '$HOME ${PATH} $1 $@',
  'a; rm -rf /; b',
  'line1\nline2\n',
  'tab\there',
  '*.py ? [ab] {x,y} ~ ~root',
  'FOO=bar',
  '-n',
  "\\ back\\slash \\'",
  'ünïcødé ✓',
  '&& || | > < >> 2>&1 &',
  '!event !! #comment',
];

function echoArgs(line: string): string[] {
  // printf prints each argument NUL-terminated, so the round trip is exact.
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8', timeout: 5_000 });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('round-trips every hostile string through bash and sh as one word', () => {
    for (const s of HOSTILE) {
      expect(echoArgs(shellQuote(s))).toEqual([s]);
      const viaSh = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8', timeout: 5_000 });
      expect(viaSh).toBe(s);
    }
  });

  it('joins an argv so that each element stays one word', () => {
    expect(echoArgs(shellJoin(HOSTILE))).toEqual(HOSTILE);
  });

  it('leaves safe words bare and quotes everything else', () => {
    expect(shellQuote('/usr/bin/codex')).toBe('/usr/bin/codex');
    expect(shellQuote('FOO=bar')).toBe("'FOO=bar'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses NUL bytes, which no shell word can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
