import type { MergeSummary } from '../analysis/types.js';
import { MERGE_KINDS, type MergeType } from '../core/merge-kinds.js';
import { formatShape } from '../core/shapes.js';

/** How a merge writes its operation between its inputs. */
export function mergeSymbol(type: MergeType): string {
  return MERGE_KINDS[type].symbol;
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
