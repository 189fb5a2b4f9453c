/**
 * Keras's merge layers and what varies between them. Shape rules are tfjs's
 * (its Merge base class, as in Keras); this table only names each
 * operation and the rule a user broke when inputs cannot be combined.
 */
export interface MergeKind {
  /** The shape rule, as a user reads it in an error. */
  rule: string;
  /** Elementwise merges keep the input width; the others change it. */
  elementwise: boolean;
}

const ELEMENTWISE_RULE = 'needs equal shapes (or shapes that broadcast)';

export const MERGE_KINDS: Record<string, MergeKind> = {
  Add: { rule: ELEMENTWISE_RULE, elementwise: true },
  Subtract: { rule: `${ELEMENTWISE_RULE} and exactly 2 inputs`, elementwise: true },
  Multiply: { rule: ELEMENTWISE_RULE, elementwise: true },
  Average: { rule: ELEMENTWISE_RULE, elementwise: true },
  Maximum: { rule: ELEMENTWISE_RULE, elementwise: true },
  Minimum: { rule: ELEMENTWISE_RULE, elementwise: true },
  Concatenate: {
    rule: 'needs inputs of equal rank whose shapes are equal except on the concatenation axis',
    elementwise: false,
  },
  Dot: { rule: 'needs exactly 2 inputs whose sizes are equal on the dot axes', elementwise: false },
};

export function isMerge(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(MERGE_KINDS, type);
}
