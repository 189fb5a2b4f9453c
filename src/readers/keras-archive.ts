import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';
import { formatBytes } from '../core/numbers.js';

const WANTED = new Set(['config.json', 'metadata.json']);
/** JSON compresses about 5 to 20 times; a bomb compresses thousands of times. */
const MAX_RATIO = 200;
/** Below this, no ratio is suspicious. */
const RATIO_FROM = 1024 * 1024;

const require = createRequire(import.meta.url);

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Reads config.json and metadata.json from a Keras 3 `.keras` archive and
 * nothing else: the weights are never decompressed. Members are inflated in
 * a stream and counted as they come, so a member whose header understates
 * its size (a zip bomb) is stopped at `maxBytes` of actual output, not
 * after gigabytes; an archive that names paths outside itself is refused.
 */
export function readKerasArchive(bytes: Uint8Array, file: string, maxBytes: number): { config: string; metadata?: string } {
  // Loaded here, not at start-up: fflate builds its tables when loaded (~15 ms), and only archives need it.
  const { Unzip, UnzipInflate } = require('fflate') as typeof import('fflate');
  const names: string[] = [];
  const members = new Map<string, Uint8Array[]>();
  const finished = new Set<string>();
  let problem: UserError | undefined;
  const unzip = new Unzip((entry) => {
    names.push(entry.name);
    if (problem) return;
    if (entry.name.startsWith('/') || entry.name.split(/[\\/]/).includes('..')) {
      problem = new UserError('not-a-model', `the archive names a path outside itself ("${entry.name}"); refusing it`, { file });
      return;
    }
    if (!WANTED.has(entry.name)) return;
    const chunks: Uint8Array[] = [];
    let total = 0;
    members.set(entry.name, chunks);
    entry.ondata = (error, chunk, final) => {
      if (problem) return;
      if (error) {
        problem = damaged(file, error.message);
        return;
      }
      total += chunk.length;
      const compressed = Math.max(1, entry.size ?? 0);
      if (total > maxBytes || (total > RATIO_FROM && total > compressed * MAX_RATIO)) {
        problem = new UserError(
          'too-large',
          `${entry.name} expands to more than ${formatBytes(total)} from ${formatBytes(compressed)} (its header says ${formatBytes(entry.originalSize ?? 0)}); refusing what looks like a zip bomb`,
          { file },
        );
        entry.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) finished.add(entry.name);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    // In slices, so that a runaway member is stopped between them.
    const slice = 1 << 20;
    for (let offset = 0; offset < bytes.length && !problem; offset += slice) {
      unzip.push(bytes.subarray(offset, offset + slice), offset + slice >= bytes.length);
    }
  } catch (error) {
    if (!problem) problem = damaged(file, (error as Error).message);
  }
  if (problem) throw problem;
  if (!finished.has('config.json')) {
    if (members.has('config.json')) throw damaged(file, 'config.json ends early');
    throw new UserError('not-a-model', `a .keras archive holds config.json, and this zip does not (it holds ${names.slice(0, 5).join(', ') || 'nothing'}${names.length > 5 ? ', …' : ''})`, { file });
  }
  const decoder = new TextDecoder();
  const text = (name: string) => (finished.has(name) ? decoder.decode(Buffer.concat(members.get(name) ?? [])) : undefined);
  return { config: text('config.json') as string, metadata: text('metadata.json') };
}

function damaged(file: string, why: string): UserError {
  return new UserError('not-a-model', `not a readable zip archive (truncated or damaged?): ${why}`, { file });
}
