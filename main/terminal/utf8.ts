// Where a byte buffer can be cut without splitting a UTF-8 character (terminal output frames).

/**
 * Length of the longest prefix of `buf` that does not end inside a UTF-8 character: an incomplete
 * multi-byte sequence at the very end is left out (it completes with the next chunk). Invalid
 * bytes are not held back, so garbage can never stall the stream.
 */
export function completeUtf8Length(buf: Uint8Array): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: the lead is further back
    const need = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    return n - i < need ? i : n;
  }
  return n; // only continuation bytes at the tail: nothing can complete them, send as is
}
