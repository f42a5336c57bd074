/**
 * A string's bytes written into a buffer at an offset. `buf.write(text, offset, encoding)`
 * checks and normalises its arguments on every call, which costs more than copying a
 * short line itself (about 0.7 µs a call against 0.1 µs); the encoders that write a
 * million lines call Node's own per-encoding writers, which `write` ends in, directly.
 * The caller makes room first: at most `text.length` bytes in latin1, three times that
 * in UTF-8. Returns the number of bytes written.
 */

interface Writers {
  latin1Write?: (text: string, offset: number, length?: number) => number;
  utf8Write?: (text: string, offset: number, length?: number) => number;
}

const proto = Buffer.prototype as unknown as Writers;
const direct = typeof proto.latin1Write === 'function' && typeof proto.utf8Write === 'function';

export function writeText(
  buf: Buffer,
  text: string,
  offset: number,
  encoding: 'latin1' | 'utf8',
): number {
  if (!direct) return buf.write(text, offset, encoding);
  const w = buf as unknown as Required<Writers>;
  return encoding === 'latin1' ? w.latin1Write(text, offset) : w.utf8Write(text, offset);
}
