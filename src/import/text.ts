/** Text from a package, made safe for a terminal. Pure, and light to load. */

// eslint-disable-next-line no-control-regex -- control characters are the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Control characters shown as symbols (␛ for ESC), never passed on raw: the text reaches
 * a terminal. Newlines and tabs stay.
 */
export function harmless(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, (ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x20) return String.fromCharCode(0x2400 + c);
    if (c === 0x7f) return '\u2421';
    return '\ufffd';
  });
}
