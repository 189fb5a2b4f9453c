import type { Tolerance } from '../analysis/check.js';
import { UserError, hasOwn } from '../core/errors.js';

const COUNT_SUFFIX: Record<string, bigint> = { '': 1n, k: 1000n, m: 1_000_000n, b: 1_000_000_000n, g: 1_000_000_000n, t: 1_000_000_000_000n };
/** Sizes in Keras's units (its summary footer): powers of 1024. */
const SIZE_UNIT: Record<string, bigint> = {
  '': 1n, b: 1n,
  kb: 1024n, kib: 1024n, k: 1024n,
  mb: 1024n ** 2n, mib: 1024n ** 2n, m: 1024n ** 2n,
  gb: 1024n ** 3n, gib: 1024n ** 3n, g: 1024n ** 3n,
  tb: 1024n ** 4n, tib: 1024n ** 4n,
};

const PARAMETER_COUNT = 'a parameter count such as 10M, 1.5B, 25_000_000 or 25,000,000';

/** A parameter count: 10M, 1.5B, 2.5k, 25_000_000, 25,000,000 or 25000000. */
export function parseCount(text: string, option: string, what = PARAMETER_COUNT): number {
  const match = /^(\d[\d_]*|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?\s*([kKmMbBgGtT]?)$/.exec(text.trim());
  const multiplier = match && hasOwn(COUNT_SUFFIX, match[3].toLowerCase()) ? COUNT_SUFFIX[match[3].toLowerCase()] : undefined;
  if (!match || multiplier === undefined) throw new UserError('usage', `${option} takes ${what}; not "${text}"`);
  return exactInteger(match[1], match[2], multiplier, option, text);
}

/** A memory size: 40MB, 1.5GB, 512KiB or a number of bytes; MB = 1024 x 1024 bytes, as in Keras's summary. */
export function parseSize(text: string, option: string): number {
  const match = /^(\d[\d_]*|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?\s*([a-zA-Z]*)$/.exec(text.trim());
  const multiplier = match && hasOwn(SIZE_UNIT, match[3].toLowerCase()) ? SIZE_UNIT[match[3].toLowerCase()] : undefined;
  if (!match || multiplier === undefined) {
    throw new UserError('usage', `${option} takes a size such as 40MB, 1.5GB or 512KB (powers of 1024, as Keras prints sizes); not "${text}"`);
  }
  return exactInteger(match[1], match[2], multiplier, option, text);
}

/** A tolerance in percent: "2%", "2", "0.5%". */
export function parseTolerance(text: string): Tolerance {
  const match = /^(\d+)(?:\.(\d+))?\s*%?$/.exec(text.trim());
  if (!match) throw new UserError('usage', `--tolerance takes a percentage such as 2% or 0.5%; not "${text}"`);
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const units = BigInt(match[1]) * scale + BigInt(fraction || '0');
  return { text: text.trim().endsWith('%') ? text.trim() : `${text.trim()}%`, percent: Number(`${match[1]}.${fraction || '0'}`), units, scale };
}

function exactInteger(whole: string, fraction: string | undefined, multiplier: bigint, option: string, text: string): number {
  const digits = whole.replace(/[_,]/g, '');
  const decimals = fraction ?? '';
  const scale = 10n ** BigInt(decimals.length);
  const scaled = (BigInt(digits) * scale + BigInt(decimals || '0')) * multiplier;
  if (scaled % scale !== 0n) throw new UserError('usage', `${option}: "${text}" is not a whole number`);
  const value = scaled / scale;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new UserError('usage', `${option}: "${text}" is too large`);
  return Number(value);
}

/** --batch-size: a whole number of samples, at least 1 (10, 1k, 1_000; never 0, a fraction or beyond exact). */
export function parseBatchSize(text: string): number {
  const size = parseCount(text, '--batch-size', 'a number of samples such as 32, 1k or 1_000');
  if (size < 1) throw new UserError('usage', `--batch-size must be at least 1, not "${text}"`);
  return size;
}

/**
 * A number of mult-adds: 5G, 1.5T, 300M, 2.5k, 5_000_000_000 or
 * 5,000,000,000. The suffixes are torchinfo's, powers of 1000 (G = 10^9).
 */
export function parseOps(text: string, option: string): number {
  return parseCount(text, option, 'a number of mult-adds such as 5G, 1.5T, 300M, 5_000_000_000 or 5,000,000,000 (powers of 1000)');
}
