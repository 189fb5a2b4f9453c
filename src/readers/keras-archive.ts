import { readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';
import { formatBytes } from '../core/numbers.js';
import { readKerasHdf5 } from './hdf5.js';
import type { WeightListing } from './weight-listing.js';
import { decodeUtf8 } from './utf8.js';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
/** Where Keras 3 puts the weights: HDF5, or NumPy's .npz when saved with weights_format="npz". */
const WEIGHTS_H5 = 'model.weights.h5';
const WEIGHTS_NPZ = 'model.weights.npz';
/** JSON compresses about 5 to 20 times; a bomb compresses thousands of times. */
const MAX_RATIO = 200;
/** Below this, no ratio is suspicious. */
const RATIO_FROM = 1024 * 1024;
/**
 * Compressed bytes inflated at a time. Deflate expands at most about 1032
 * times, so a bomb is stopped after at most ~66 MB of output, not after
 * gigabytes.
 */
const INFLATE_SLICE = 64 * 1024;
const STORED = 0;
const DEFLATED = 8;
const METHOD_NAMES: Record<number, string> = { 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstandard' };

const require = createRequire(import.meta.url);

/** Bytes read at positions: a file (read in place) or bytes in memory (standard input). */
export interface ByteSource {
  size: number;
  /** Reads into target from position; returns how many bytes were read (fewer at the end). */
  read(target: Uint8Array, position: number): number;
}

export function fileSource(fd: number, size: number): ByteSource {
  return { size, read: (target, position) => readSync(fd, target, 0, target.length, position) };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (target, position) => {
      const part = bytes.subarray(position, position + target.length);
      target.set(part);
      return part.length;
    },
  };
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The weights member of an archive: where its bytes lie when stored, or why its shapes cannot be read without inflating it. */
export type ArchiveWeights = { kind: 'stored'; member: string; offset: number; length: number } | { kind: 'unchecked'; member: string; why: string };

export interface KerasArchive {
  config: string;
  metadata?: string;
  weights?: ArchiveWeights;
}

interface Entry {
  name: string;
  /** The name as the central directory spells it, to compare with the local header's. */
  nameBytes: Uint8Array;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  /** Where its local header is, from the start of the zip. */
  headerOffset: number;
}

/**
 * Reads a Keras 3 `.keras` archive as Keras's own zipfile does, from its
 * central directory at the end: config.json and metadata.json (inflated in
 * slices and counted as they come, so a member whose header understates its
 * size, a zip bomb, is stopped at `maxBytes` of actual output), and where
 * model.weights.h5 lies. Nothing else is read: the weights member is never
 * read here, nor inflated. An archive that names paths outside itself is
 * refused.
 */
export function readKerasArchive(source: ByteSource, file: string, maxBytes: number): KerasArchive {
  const { entries, shift } = centralDirectory(source, file, maxBytes);
  const outside = entries.find((entry) => entry.name.startsWith('/') || entry.name.split(/[\\/]/).includes('..'));
  if (outside) throw new UserError('not-a-model', `the archive names a path outside itself ("${outside.name}"); refusing it`, { file });
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const config = byName.get(CONFIG);
  if (!config) {
    const names = entries.map((entry) => entry.name);
    throw new UserError('not-a-model', `a .keras archive holds config.json, and this zip does not (it holds ${names.slice(0, 5).join(', ') || 'nothing'}${names.length > 5 ? ', …' : ''})`, { file });
  }
  const metadata = byName.get(METADATA);
  return {
    config: memberText(source, config, shift, file, maxBytes),
    metadata: metadata ? memberText(source, metadata, shift, file, maxBytes) : undefined,
    weights: weightsMember(source, byName, shift, file),
  };
}

/**
 * The weights the archive lists, to check the model against: the shapes in
 * its stored model.weights.h5, which HDF5 reads in place, in the archive
 * (`path`). Weights that cannot be read so (compressed, .npz, an archive on
 * standard input) are not listed, and the listing says why.
 */
export function archiveWeightListing(archive: KerasArchive, path: string | undefined, file: string): WeightListing | undefined {
  const weights = archive.weights;
  if (!weights) return undefined;
  const source = `${file}:${weights.member}`;
  const unchecked = (why: string): WeightListing => ({ source, weights: [], unchecked: `The weights were not checked against the model: ${why}.` });
  if (weights.kind === 'unchecked') return unchecked(weights.why);
  if (path === undefined) return unchecked(`the archive came on standard input, and ${weights.member} is read in place; pass the archive's path to check them`);
  const contents = readKerasHdf5({ path, offset: weights.offset, length: weights.length }, source);
  if (contents.layout !== 'keras3-weights') {
    throw new UserError('not-a-model', `HDF5, but not the weights Keras 3 writes: no layers/ group (groups: ${contents.rootGroups.slice(0, 8).join(', ') || 'none'})`, { file: source });
  }
  return { source, weights: contents.weights };
}

function weightsMember(source: ByteSource, byName: Map<string, Entry>, shift: number, file: string): ArchiveWeights | undefined {
  const h5 = byName.get(WEIGHTS_H5);
  if (!h5) {
    if (!byName.has(WEIGHTS_NPZ)) return undefined;
    return { kind: 'unchecked', member: WEIGHTS_NPZ, why: `they are in ${WEIGHTS_NPZ} (NumPy's format), and merge-summary reads weight shapes from HDF5 only` };
  }
  if (h5.flags & 1) return { kind: 'unchecked', member: WEIGHTS_H5, why: `${WEIGHTS_H5} is encrypted in this archive` };
  if (h5.method !== STORED) {
    const method = METHOD_NAMES[h5.method] ?? `method ${h5.method}`;
    return { kind: 'unchecked', member: WEIGHTS_H5, why: `${WEIGHTS_H5} is compressed (${method}) in this archive, and merge-summary never inflates weights (Keras stores them uncompressed)` };
  }
  if (h5.compressedSize !== h5.size) throw damaged(file, `${WEIGHTS_H5} is stored, but its sizes differ (${h5.compressedSize} and ${h5.size} bytes)`);
  return { kind: 'stored', member: WEIGHTS_H5, offset: dataOffset(source, h5, shift, file), length: h5.size };
}

/**
 * The members the central directory lists. `shift` is how far the zip
 * starts into the file (data before it, as in a self-extracting archive),
 * found as Python's zipfile finds it.
 */
function centralDirectory(source: ByteSource, file: string, maxBytes: number): { entries: Entry[]; shift: number } {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = readAt(source, source.size - tailLength, tailLength, file);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x06054b50 && i + 22 + view.getUint16(i + 20, true) <= tail.length) {
      end = i;
      break;
    }
  }
  if (end < 0) throw damaged(file, 'it has no end of central directory record');
  const endPosition = source.size - tailLength + end;
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let offset = view.getUint32(end + 16, true);
  let directoryEnd = endPosition;
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: the 56-byte record and its 20-byte locator sit just before.
    directoryEnd = endPosition - 20 - 56;
    const record = directoryEnd >= 0 ? readAt(source, directoryEnd, 56, file) : new Uint8Array(56);
    const zip64 = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (zip64.getUint32(0, true) !== 0x06064b50) throw damaged(file, 'its ZIP64 end of central directory record is missing');
    count = safeNumber(zip64.getBigUint64(32, true), file);
    size = safeNumber(zip64.getBigUint64(40, true), file);
    offset = safeNumber(zip64.getBigUint64(48, true), file);
  }
  const shift = directoryEnd - size - offset;
  if (shift < 0) throw damaged(file, 'its central directory lies past its end');
  if (size > maxBytes) throw new UserError('too-large', `its central directory takes ${formatBytes(size)}, more than any model archive needs; refusing it`, { file });
  const directory = readAt(source, offset + shift, size, file);
  const dir = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries: Entry[] = [];
  for (let at = 0, i = 0; i < count; i++) {
    if (at + 46 > directory.length || dir.getUint32(at, true) !== 0x02014b50) throw damaged(file, 'its central directory ends early');
    const flags = dir.getUint16(at + 8, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise code page 437, which agrees with Latin-1 on the ASCII names Keras writes.
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    const entry = { name, nameBytes, flags, method: dir.getUint16(at + 10, true), compressedSize: dir.getUint32(at + 20, true), size: dir.getUint32(at + 24, true), headerOffset: dir.getUint32(at + 42, true) };
    readZip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry, file);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, shift };
}

/** Sizes and offsets too large for 32 bits are in the ZIP64 extra field (id 1), in this order, each only when its field says 0xFFFFFFFF. */
function readZip64Extra(extra: Uint8Array, entry: Entry, file: string): void {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      for (const key of ['size', 'compressedSize', 'headerOffset'] as const) {
        if (entry[key] !== 0xffffffff) continue;
        if (field + 8 > at + 4 + length) throw damaged(file, `the ZIP64 field of ${entry.name} is too short`);
        entry[key] = safeNumber(view.getBigUint64(field, true), file);
        field += 8;
      }
      return;
    }
    at += 4 + length;
  }
}

/** Where a member's data starts: after its local header, whose name and extra field may differ in length from the central directory's. */
function dataOffset(source: ByteSource, entry: Entry, shift: number, file: string): number {
  const position = entry.headerOffset + shift;
  const header = readAt(source, position, 30, file);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== 0x04034b50) throw damaged(file, `there is no local header where the central directory puts ${entry.name}`);
  const nameLength = view.getUint16(26, true);
  const name = readAt(source, position + 30, nameLength, file);
  if (!Buffer.from(name).equals(entry.nameBytes)) throw damaged(file, `the local header of ${entry.name} names another file`);
  const start = position + 30 + nameLength + view.getUint16(28, true);
  if (start + entry.compressedSize > source.size) throw damaged(file, `${entry.name} ends early`);
  return start;
}

/** A JSON member's text: read if stored, inflated in slices if deflated, within the limits either way. */
function memberText(source: ByteSource, entry: Entry, shift: number, file: string, maxBytes: number): string {
  if (entry.flags & 1) throw new UserError('not-a-model', `${entry.name} is encrypted in this archive; Keras writes it in the clear`, { file });
  const start = dataOffset(source, entry, shift, file);
  if (entry.method === STORED) {
    if (entry.compressedSize > maxBytes) {
      throw new UserError('too-large', `${entry.name} takes ${formatBytes(entry.compressedSize)}, more than any model configuration needs; if it really is one, raise the limit with --max-input-size`, { file });
    }
    return decodeUtf8(readAt(source, start, entry.compressedSize, file), `${file}:${entry.name}`);
  }
  if (entry.method !== DEFLATED) {
    throw new UserError('not-a-model', `${entry.name} is compressed with ${METHOD_NAMES[entry.method] ?? `method ${entry.method}`}; merge-summary reads stored and deflated members, as Keras writes them`, { file });
  }
  // Loaded here, not at start-up: fflate builds its tables when loaded (~15 ms), and only archives need it.
  const { Inflate } = require('fflate') as typeof import('fflate');
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflate = new Inflate((chunk, final) => {
    total += chunk.length;
    chunks.push(chunk);
    finished = final;
  });
  const compressed = Math.max(1, entry.compressedSize);
  for (let offset = 0; offset < entry.compressedSize; offset += INFLATE_SLICE) {
    const slice = readAt(source, start + offset, Math.min(INFLATE_SLICE, entry.compressedSize - offset), file);
    try {
      inflate.push(slice, offset + slice.length >= entry.compressedSize);
    } catch (error) {
      throw damaged(file, `${entry.name}: ${(error as Error).message}`);
    }
    if (total > maxBytes || (total > RATIO_FROM && total > compressed * MAX_RATIO)) {
      throw new UserError(
        'too-large',
        `${entry.name} expands to more than ${formatBytes(total)} from ${formatBytes(compressed)} (its header says ${formatBytes(entry.size)}); refusing what looks like a zip bomb`,
        { file },
      );
    }
  }
  if (!finished) throw damaged(file, `${entry.name} ends early`);
  return decodeUtf8(Buffer.concat(chunks, total), `${file}:${entry.name}`);
}

function readAt(source: ByteSource, position: number, length: number, file: string): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const read = position + done < source.size ? source.read(bytes.subarray(done), position + done) : 0;
    if (read === 0) throw damaged(file, 'it ends early');
    done += read;
  }
  return bytes;
}

function safeNumber(value: bigint, file: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(file, 'it gives a size or offset beyond any file');
  return Number(value);
}

function damaged(file: string, why: string): UserError {
  return new UserError('not-a-model', `not a readable zip archive (truncated or damaged?): ${why}`, { file });
}
