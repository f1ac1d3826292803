import { describe, expect, it } from 'vitest';
import { elapsedSeconds, formatAge, formatDuration, formatTokens, lineCount } from './format';

describe('format', () => {
  it('formats durations, ages and token counts', () => {
    expect(formatDuration(3.25)).toBe('3.3 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe('—');
    const now = Date.parse('2025-01-02T00:00:00Z');
    expect(formatAge('2025-01-01T23:59:30Z', now)).toBe('30 s ago');
    expect(formatAge('2025-01-01T22:00:00Z', now)).toBe('2 h ago');
    expect(formatAge(null, now)).toBe('—');
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(1234)).toBe('1.2k');
    expect(formatTokens(56_789)).toBe('57k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
  });

  it('measures elapsed time and lines', () => {
    expect(elapsedSeconds('2025-01-01T00:00:00Z', '2025-01-01T00:00:10Z', 0)).toBe(10);
    expect(elapsedSeconds('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:01:00Z'))).toBe(60);
    expect(elapsedSeconds(null, null, 0)).toBeNull();
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\n\nb\n\n')).toBe(2); // blank lines do not count
    expect(lineCount('')).toBe(0);
  });
});
