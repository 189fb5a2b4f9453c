import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { formatBytesPlain } from './sizes.js';

/** Far above any model's config.json (DeepDanbooru's is 350 KB); far below a zip bomb. */
const MAX_MEMBER_BYTES = 64 * 1024 * 1024;
/** JSON compresses about 5 to 20 times; a bomb compresses thousands of times. */
const MAX_RATIO = 200;
const WANTED = new Set(['config.json', 'metadata.json']);

const require = createRequire(import.meta.url);

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Reads config.json and metadata.json from a Keras 3 `.keras` archive and
 * nothing else: the weights are never decompressed. An archive whose members
 * would expand beyond reason, or that names paths outside itself, is refused.
 */
export function readKerasArchive(bytes: Uint8Array, file: string): { config: string; metadata?: string } {
  // Loaded here, not at start-up: fflate builds its tables when loaded (~15 ms), and only archives need it.
  const { unzipSync } = require('fflate') as typeof import('fflate');
  const names: string[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => {
        names.push(entry.name);
        if (entry.name.startsWith('/') || entry.name.split(/[\\/]/).includes('..')) {
          throw new UserError(`the archive names a path outside itself ("${entry.name}"); refusing it`, { file });
        }
        if (!WANTED.has(entry.name)) return false;
        if (entry.originalSize > MAX_MEMBER_BYTES || (entry.originalSize > 1024 * 1024 && entry.originalSize > entry.size * MAX_RATIO)) {
          throw new UserError(
            `${entry.name} would expand to ${formatBytesPlain(entry.originalSize)} from ${formatBytesPlain(entry.size)}; refusing what looks like a zip bomb`,
            { file },
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`not a readable zip archive (truncated or damaged?): ${(error as Error).message}`, { file });
  }
  const config = entries['config.json'];
  if (!config) {
    throw new UserError(`a .keras archive holds config.json, and this zip does not (it holds ${names.slice(0, 5).join(', ') || 'nothing'}${names.length > 5 ? ', …' : ''})`, { file });
  }
  const decoder = new TextDecoder();
  return { config: decoder.decode(config), metadata: entries['metadata.json'] && decoder.decode(entries['metadata.json']) };
}
