import type { MergeSummary } from '../analysis/types.js';
import { formatShape } from '../core/shapes.js';

/** How each merge writes its operation between its inputs. */
const SYMBOL: Record<string, string> = {
  Add: '+',
  Subtract: '−',
  Multiply: '×',
  Average: 'avg',
  Maximum: 'max',
  Minimum: 'min',
  Concatenate: '⧺',
  Dot: '·',
};

export function mergeSymbol(type: string): string {
  return SYMBOL[type] ?? type;
}

export const MERGE_MARK = '◆';
export const DEPENDS_MARK = '↳';

/**
 * "64 ⧺ 64 → 128 on axis -1" for Concatenate; the shapes for the others:
 * "(None, 32, 32, 64) + (None, 32, 32, 64) → (None, 32, 32, 64)".
 */
export function mergeNotation(merge: MergeSummary): string {
  const symbol = mergeSymbol(merge.type);
  if (merge.concatenation) {
    const { axis, inputSizes, outputSize } = merge.concatenation;
    const size = (n: number | null) => (n === null ? 'None' : String(n));
    return `${inputSizes.map(size).join(` ${symbol} `)} → ${size(outputSize)} on axis ${axis}`;
  }
  const text = `${merge.inputShapes.map(formatShape).join(` ${symbol} `)} → ${formatShape(merge.outputShape)}`;
  return merge.broadcasts ? `${text}, broadcasting` : text;
}
