import type { Figure } from '../analysis/model-costs.js';
import { formatBytes, formatCount, formatOps, formatPercentValue, formatSignedBytes, formatSignedCount, formatSignedOps } from '../core/numbers.js';

/**
 * How costs read in the reports. A figure that grows with a sequence of
 * unknown length says so ("per step"); an unknown one says "unknown", never
 * a guess.
 */
export type Unit = 'ops' | 'count' | 'bytes';

const FORMAT: Record<Unit, { plain: (n: number) => string; signed: (n: number) => string }> = {
  ops: { plain: formatOps, signed: formatSignedOps },
  count: { plain: formatCount, signed: formatSignedCount },
  bytes: { plain: formatBytes, signed: formatSignedBytes },
};

/** "15.47 G", "1.23 M per step", "12.50 M + 1.23 M per step", "unknown". */
export function figureText(figure: Figure | undefined, unit: Unit, options: { signed?: boolean } = {}): string {
  if (!figure || figure.kind === 'unknown') return 'unknown';
  const format = options.signed ? FORMAT[unit].signed : FORMAT[unit].plain;
  if (figure.kind === 'exact') return format(figure.value);
  const step = `${format(figure.perStep)} per step`;
  return figure.fixed === 0 ? step : `${format(figure.fixed)} + ${step}`;
}

/** A table cell: the exact count ("3,145,728"), "1,280/step", or "unknown". */
export function figureCell(figure: Figure | undefined, unit: Unit): string {
  if (!figure || figure.kind === 'unknown') return 'unknown';
  const format = FORMAT[unit].plain;
  if (figure.kind === 'exact') return format(figure.value);
  const step = `${format(figure.perStep)}/step`;
  return figure.fixed === 0 ? step : `${format(figure.fixed)} + ${step}`;
}

/** A percentage as formatPercentValue prints it, with two decimals where one would round a change to "0%" (a swap's −0.03% of the mult-adds). */
export function percentText(percent: number): string {
  if (percent !== 0 && Math.abs(percent) < 0.05) {
    const text = Math.abs(percent) < 0.005 ? '<0.01' : Math.abs(percent).toFixed(2);
    return `${percent > 0 ? '+' : '−'}${text}%`;
  }
  return formatPercentValue(percent);
}
