import { describe, expect, it } from 'vitest';
import { takeTokenFromUrl } from './connection';

describe('takeTokenFromUrl', () => {
  it('removes the token and keeps the rest of the address', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:8088/?token=abc&x=1#/runs/r1/workers')).toEqual({
      token: 'abc',
      cleanUrl: '/?x=1#/runs/r1/workers',
    });
    expect(takeTokenFromUrl('http://127.0.0.1:8088/?token=a%2Bb')).toEqual({ token: 'a+b', cleanUrl: '/' });
  });

  it('leaves an address without a token as it is', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:8088/#/new')).toEqual({ token: null, cleanUrl: 'http://127.0.0.1:8088/#/new' });
    expect(takeTokenFromUrl('http://127.0.0.1:8088/?token=')).toEqual({ token: null, cleanUrl: '/' });
  });
});
