import { describe, expect, it } from 'vitest';
import { clip, oneLine, stripControls } from './text';

describe('text for people', () => {
  it('clips with an ellipsis and folds whitespace', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(oneLine(' a \n b\tc ', 10)).toBe('a b c');
  });

  it('strips escape sequences and control characters, keeping tab and newline', () => {
    const osc52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
    expect(stripControls(`before${osc52}after`)).toBe('beforeafter');
    expect(stripControls('a\u001b]52;c;AAAA\u001b\\b')).toBe('ab');
    expect(stripControls('\u001b[31mred\u001b[0m \u001b[2J\u001b[H')).toBe('red ');
    expect(stripControls('x\u009d52;c;QUFB\u009cy')).toBe('x52;c;QUFBy');
    expect(stripControls('x\u009b2Jy')).toBe('x2Jy');
    expect(stripControls('bell\u0007 bs\u0008 cr\r del\u007f ok\tz\n')).toBe('bell bs cr del ok\tz\n');
    expect(stripControls('\u001bPq#0;2;0;0;0\u001b\\done')).toBe('done');
    expect(stripControls('plain ünïcödé — ✓')).toBe('plain ünïcödé — ✓');
    // Bidirectional overrides and isolates that would show code or a path other than it is.
    expect(stripControls('core.py:12 \u202e})"evil"(tixe\u202c and \u2066x\u2069')).toBe('core.py:12 })"evil"(tixe and x');
    expect(stripControls('שלום עולם')).toBe('שלום עולם');
  });
});
