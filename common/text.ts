// Short text for people: cut to a length with an ellipsis marking the cut.

/** At most `max` characters; an ellipsis marks a cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line (whitespace runs become one space), at most `max` characters; an ellipsis marks a cut. */
export function oneLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}
