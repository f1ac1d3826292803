import { describe, expect, it } from 'vitest';
import { completeUtf8Length } from './utf8';

describe('completeUtf8Length', () => {
  it('keeps ASCII and complete characters whole', () => {
    expect(completeUtf8Length(Buffer.from('hello'))).toBe(5);
    expect(completeUtf8Length(Buffer.from('héllo €𝄞'))).toBe(Buffer.byteLength('héllo €𝄞'));
    expect(completeUtf8Length(Buffer.alloc(0))).toBe(0);
  });

  it('holds back an incomplete trailing character of 2, 3 or 4 bytes', () => {
    for (const ch of ['é', '€', '𝄞']) {
      const full = Buffer.from(`ab${ch}`);
      for (let cut = 3; cut < full.length; cut++)
        expect(completeUtf8Length(full.subarray(0, cut)), `${ch} cut at ${cut}`).toBe(2);
      expect(completeUtf8Length(full)).toBe(full.length);
    }
  });

  it('never holds back invalid bytes', () => {
    expect(completeUtf8Length(Buffer.from([0x61, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(completeUtf8Length(Buffer.from([0x61, 0xff]))).toBe(2);
    expect(completeUtf8Length(Buffer.from([0x61, 0xc0]))).toBe(2);
  });

  it('splitting any text at any byte and joining the frames gives it back', () => {
    const text = 'αβγ — 日本語 🎉 plain ✓';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const head = bytes.subarray(0, cut);
      const n = completeUtf8Length(head);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, n))).not.toThrow();
      expect(Buffer.concat([head.subarray(0, n), head.subarray(n), bytes.subarray(cut)]).toString()).toBe(text);
    }
  });
});
