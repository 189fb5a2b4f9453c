import { UserError } from '../core/errors.js';

/**
 * The text of a JSON or YAML input, which is UTF-8 (a byte-order mark is
 * dropped). Bytes that are not UTF-8 are refused where they are: decoded
 * loosely, a Latin-1 "café" would become "caf�" in a layer name, printed as
 * if the file said so.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const col = [...new TextDecoder().decode(bytes.subarray(lineStart, at))].length + 1;
    const byte = bytes[at].toString(16).padStart(2, '0');
    throw new UserError('syntax', `not UTF-8 text: the byte 0x${byte} here starts no UTF-8 character (Latin-1 or another encoding?); JSON and YAML model files are read as UTF-8: save the file as UTF-8`, { file, line, col });
  }
}

/** Where the first byte sequence that is not UTF-8 starts (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const continuation = (i: number, low = 0x80, high = 0xbf) => i < bytes.length && bytes[i] >= low && bytes[i] <= high;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    let length: number;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = continuation(i + 1) ? 2 : 0;
    else if (lead >= 0xe0 && lead <= 0xef) {
      const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      length = continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      length = continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    } else length = 0;
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}
