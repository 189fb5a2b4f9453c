import { UserError, type SourceLocation } from './errors.js';

/**
 * A count as the summary holds it: a whole number a double represents
 * exactly. Beyond 2^53 - 1 sums and products round, and a printed
 * "1e+40" or a total off by a few would pass for a real count: refused.
 */
export function exactCount(n: number, what: string, at?: SourceLocation): number {
  if (Number.isSafeInteger(n)) return n;
  throw new UserError('inexact', `${what} would be more than ${formatCount(Number.MAX_SAFE_INTEGER)} (2^53 - 1), beyond what a count holds exactly; refusing it rather than printing a rounded number`, at);
}

/** 8086546 -> "8,086,546", as Keras prints counts. (toLocaleString would load ICU: 20 ms of start-up.) */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) throw new UserError('inexact', `a count of ${n} cannot be shown exactly`);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Keras 3's readable_memory_size: powers of 1024, two decimals ("30.85 MB", "1.00 KB"). */
export function formatBytes(bytes: number): string {
  let size = bytes;
  for (const unit of SIZE_UNITS) {
    if (size / 1024 < 1) return `${toFixedHalfEven(size, 2)} ${unit}`;
    size /= 1024;
  }
  return `${toFixedHalfEven(size * 1024, 2)} PB`;
}

/**
 * Python's "{:.2f}" rounds exact ties to even (1.125 -> "1.12") where JS's
 * toFixed rounds them up; sizes are sums of powers of two, so ties happen.
 */
export function toFixedHalfEven(value: number, digits: number): string {
  const scale = 10 ** digits;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isFinite(scaled) && scaled / scale === value) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / scale).toFixed(digits);
  }
  return value.toFixed(digits);
}

/** "+1,572,864" / "−1,572,864" / "0". */
export function formatSignedCount(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '−'}${formatCount(Math.abs(n))}`;
}

/** A percentage, signed, one decimal without a trailing ".0": "+100%", "−19.5%". */
export function formatPercentValue(percent: number): string {
  const text = Math.abs(percent).toFixed(1).replace(/\.0$/, '');
  if (text === '0') return '0%';
  return `${percent > 0 ? '+' : '−'}${text}%`;
}

const OPS_UNITS: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/**
 * A count of operations as torchinfo prints its total mult-adds: powers of
 * 1000 (k, M, G, T), two decimals; below 1000 the count itself.
 * 15,470,264,320 → "15.47 G".
 */
export function formatOps(n: number): string {
  const size = Math.abs(n);
  const sign = n < 0 ? '−' : '';
  for (const [scale, unit] of OPS_UNITS) if (size >= scale) return `${sign}${(size / scale).toFixed(2)} ${unit}`;
  return `${sign}${size}`;
}

/** "+1.57 M" / "−1.57 M" / "0". */
export function formatSignedOps(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : ''}${formatOps(n)}`;
}

/** "+256.00 KB" / "−256.00 KB" / "0 B", powers of 1024 as formatBytes. */
export function formatSignedBytes(n: number): string {
  if (n === 0) return '0 B';
  return `${n > 0 ? '+' : '−'}${formatBytes(Math.abs(n))}`;
}
