// Short text for people: cut to a length with an ellipsis marking the cut.

/** At most `max` characters; an ellipsis marks a cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line (whitespace runs become one space), at most `max` characters; an ellipsis marks a cut. */
export function oneLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * Escape sequences (CSI, OSC such as an OSC 52 clipboard write, DCS/SOS/PM/APC strings, two-character
 * escapes) with everything they carry.
 */
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|[PX^_][^\u001b\u009c]*(?:\u001b\\|\u009c)?|[\s\S])?/g;
/**
 * C0 controls but tab and newline, DEL, the C1 controls U+0080–U+009F (a C1 CSI/OSC acts like
 * ESC [ / ESC ]), and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), which can make text read differently from what it is ("Trojan Source").
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from an agent (or from anyone who wrote an issue) made safe to print on a terminal or write for
 * people: no escape sequences, no control characters but tab and newline. Pure.
 */
export function stripControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_CHARS, '');
}

/** Lines of a script as mminions counts them everywhere (sizes, reductions, the dashboard): the non-blank ones. */
export function countLines(script: string): number {
  return typeof script === 'string' ? script.split(/\r?\n/).filter((l) => l.trim() !== '').length : 0;
}
