// How the embedded server starts `mminions`: Electron's binary running the CLI as plain Node.
import { describe, expect, it } from 'vitest';
import { electronSelfCommand, freshToken } from './server';

describe('embedded server', () => {
  it('runs the CLI through Electron as Node', () => {
    expect(electronSelfCommand('/opt/mminions/electron', '/opt/mminions/out/main/cli.js')).toEqual([
      '/usr/bin/env',
      'ELECTRON_RUN_AS_NODE=1',
      '/opt/mminions/electron',
      '/opt/mminions/out/main/cli.js',
    ]);
  });

  it('makes a fresh, URL-safe token each time', () => {
    const a = freshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(freshToken()).not.toBe(a);
  });
});
