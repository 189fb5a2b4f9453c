import type { MergeSummary } from '../analysis/types.js';
import { MERGE_KINDS, type MergeType } from '../core/merge-kinds.js';
import { formatCount } from '../core/numbers.js';
import { formatShape, sameShape } from '../core/shapes.js';

/** How a merge writes its operation between its inputs. */
export function mergeSymbol(type: MergeType): string {
  return MERGE_KINDS[type].symbol;
}

export const MERGE_MARK = '◆';
export const DEPENDS_MARK = '↳';

/** Inputs written out one by one up to this many; beyond, the first few, "…", the last and the count. */
const INPUTS_WRITTEN_OUT = 6;

/**
 * The words of a merge's notation, each kept whole when a cell wraps, an
 * operator with the operand after it (so a line breaks before "→"):
 * "64 ⧺ 64 → 128 on axis -1" for a Concatenate; "64 + 64 → 64" for an
 * elementwise merge of equal shapes (the size of the last axis, as the
 * Concatenate's are); the full shapes where they differ:
 * "(None, 32, 32, 64) × (None, 1, 1, 64) → (None, 32, 32, 64), broadcasting".
 */
export function mergeNotationWords(merge: MergeSummary): string[] {
  const symbol = mergeSymbol(merge.type);
  const size = (n: number | null) => (n === null ? 'None' : String(n));
  if (merge.concatenation) {
    const { axis, inputSizes, outputSize } = merge.concatenation;
    return [...operands(inputSizes.map(size), symbol), `→ ${size(outputSize)}`, 'on', 'axis', String(axis)];
  }
  const equal = merge.type !== 'Dot' && merge.inputShapes.length > 0 && merge.inputShapes.every((shape) => sameShape(shape, merge.outputShape));
  if (equal && merge.outputShape.length > 0) {
    const last = (shape: (number | null)[]) => size(shape[shape.length - 1]);
    return [...operands(merge.inputShapes.map(last), symbol), `→ ${last(merge.outputShape)}`];
  }
  const words = [...operands(merge.inputShapes.map(formatShape), symbol), `→ ${formatShape(merge.outputShape)}`];
  if (merge.broadcasts) words[words.length - 1] += ',';
  return merge.broadcasts ? [...words, 'broadcasting'] : words;
}

/** "a", "+ b", "+ c"; a long list as its first three, "+ …", the last and how many there are. */
function operands(values: string[], symbol: string): string[] {
  if (values.length <= INPUTS_WRITTEN_OUT) return values.map((value, i) => (i === 0 ? value : `${symbol} ${value}`));
  const shown = [...values.slice(0, 3), '…', values[values.length - 1]];
  return [...shown.map((value, i) => (i === 0 ? value : `${symbol} ${value}`)), `(${formatCount(values.length)} inputs)`];
}

/** The notation as one line: "64 ⧺ 64 → 128 on axis -1". */
export function mergeNotation(merge: MergeSummary): string {
  return mergeNotationWords(merge).join(' ');
}
