/**
 * Keras's merge layers and what varies between them. Shape rules are tfjs's
 * (its Merge base class, as in Keras); this table only names each
 * operation and the rule a user broke when inputs cannot be combined.
 */
export interface MergeKind {
  /** How the row of the table writes the operation between input shapes. */
  symbol: string;
  /** The shape rule, as a user reads it in an error. */
  rule: string;
  /** Elementwise merges keep the input width; the others change it. */
  elementwise: boolean;
}

const ELEMENTWISE_RULE = 'needs equal shapes (or shapes that broadcast)';

export const MERGE_KINDS: Record<string, MergeKind> = {
  Add: { symbol: '+', rule: ELEMENTWISE_RULE, elementwise: true },
  Subtract: { symbol: '−', rule: `${ELEMENTWISE_RULE} and exactly 2 inputs`, elementwise: true },
  Multiply: { symbol: '×', rule: ELEMENTWISE_RULE, elementwise: true },
  Average: { symbol: 'avg', rule: ELEMENTWISE_RULE, elementwise: true },
  Maximum: { symbol: 'max', rule: ELEMENTWISE_RULE, elementwise: true },
  Minimum: { symbol: 'min', rule: ELEMENTWISE_RULE, elementwise: true },
  Concatenate: {
    symbol: '⧺',
    rule: 'needs inputs of equal rank whose shapes are equal except on the concatenation axis',
    elementwise: false,
  },
  Dot: { symbol: '·', rule: 'needs exactly 2 inputs whose sizes are equal on the dot axes', elementwise: false },
};

export function isMerge(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(MERGE_KINDS, type);
}
