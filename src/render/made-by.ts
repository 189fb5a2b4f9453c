/**
 * The mark merge-summary leaves in every file it writes, in each format's own
 * comment syntax, and the test for it: an existing file is replaced without
 * --force only when it carries the mark (or is a merge-summary JSON
 * document), so a spec, a model or a user's drawing is never overwritten.
 */

const MARK = 'made by merge-summary';

/** DOT: a comment line first (Graphviz ignores it). */
export function signDot(dot: string): string {
  return `// ${MARK}\n${dot}`;
}

/** Mermaid: a comment after the diagram type, where every Mermaid version takes comments. */
export function signMermaid(mermaid: string): string {
  const end = mermaid.indexOf('\n');
  return end < 0 ? `${mermaid}\n%% ${MARK}\n` : `${mermaid.slice(0, end + 1)}%% ${MARK}\n${mermaid.slice(end + 1)}`;
}

/** SVG: an XML comment after the XML declaration, which must stay first. */
export function signSvg(svg: string): string {
  const declaration = /^<\?xml[^>]*\?>\n?/.exec(svg);
  const at = declaration ? declaration[0].length : 0;
  return `${svg.slice(0, at)}<!-- ${MARK} -->\n${svg.slice(at)}`;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_KEYWORD = 'Software';
const PNG_TEXT = 'merge-summary';

/** PNG: a standard tEXt chunk "Software: merge-summary" right after the header chunk. */
export function signPng(png: Uint8Array): Uint8Array {
  if (!isPng(png)) return png;
  const headerEnd = 8 + 12 + readUint32(png, 8);
  const data = new TextEncoder().encode(`${PNG_KEYWORD}\0${PNG_TEXT}`);
  const chunk = new Uint8Array(12 + data.length);
  writeUint32(chunk, 0, data.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(data, 8);
  writeUint32(chunk, 8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, headerEnd), 0);
  out.set(chunk, headerEnd);
  out.set(png.subarray(headerEnd), headerEnd + chunk.length);
  return out;
}

/**
 * Whether the start of a file (a few kilobytes are enough) is a document
 * merge-summary writes: a picture with its mark, or a JSON document of one
 * of its schemas (merge-summary/1 is a baseline; `--json > file` makes one).
 */
export function isMadeByMergeSummary(head: Uint8Array): boolean {
  if (isPng(head)) return pngHasMark(head);
  if (isMergeSummaryJson(head)) return true;
  const text = headText(head);
  return text.startsWith(`// ${MARK}\n`) || text.split('\n', 3)[1] === `%% ${MARK}` || /^(?:<\?xml[^>]*\?>\n?)?<!-- made by merge-summary -->/.test(text);
}

/** Whether a file's start is a merge-summary JSON document (a baseline, or a report) rather than a model. */
export function isMergeSummaryJson(head: Uint8Array): boolean {
  return /^\s*\{\s*"schema"\s*:\s*"merge-summary(?:-[a-z]+)?\/\d+"/.test(headText(head));
}

function headText(head: Uint8Array): string {
  return new TextDecoder().decode(head.subarray(0, 4096));
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Looks through the chunks before the image data for the tEXt chunk signPng writes. */
function pngHasMark(bytes: Uint8Array): boolean {
  const wanted = `${PNG_KEYWORD}\0${PNG_TEXT}`;
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = readUint32(bytes, offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type === 'IDAT' || type === 'IEND') return false;
    if (type === 'tEXt' && offset + 8 + length <= bytes.length) {
      if (new TextDecoder('latin1').decode(bytes.subarray(offset + 8, offset + 8 + length)) === wanted) return true;
    }
    offset += 12 + length;
  }
  return false;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 of PNG chunks (ISO 3309, as zlib computes it). */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
