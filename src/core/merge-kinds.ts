/**
 * Keras's merge layers and everything that varies between them, in one
 * table the compiler checks is complete. As in Keras's
 * keras/src/layers/merging/, the shape rules themselves live in one base
 * class (tfjs's Merge, which follows Keras's) and each merge differs only
 * in what this table says: its operation, the rule a user broke when its
 * inputs cannot be combined, the merge it is compared with, and how it reads.
 */
export const MERGE_TYPES = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'] as const;

export type MergeType = (typeof MERGE_TYPES)[number];

export interface MergeKind {
  /** Elementwise merges keep the input width; Concatenate and Dot change it. */
  elementwise: boolean;
  /** The shape rule, as a user reads it in an error. */
  rule: string;
  /** The merge the counterfactual swaps it for, with that merge's arguments; null when none is natural. */
  alternative: { type: MergeType; args: Record<string, unknown> } | null;
  /** Why there is no alternative, when there is none. */
  noAlternative?: string;
  /** How the operation is written between its inputs. */
  symbol: string;
  /** When to prefer it, in one line (--explain). */
  advice: string;
  /** Its arguments in the worked example of --explain. */
  exampleArgs: Record<string, unknown>;
}

const ELEMENTWISE_RULE = 'needs equal shapes (or shapes that broadcast)';
/** Elementwise merges are compared with stacking their inputs instead. */
const AS_CONCATENATE = { type: 'Concatenate', args: { axis: -1 } } as const;

export const MERGE_KINDS: Record<MergeType, MergeKind> = {
  Add: {
    elementwise: true,
    rule: ELEMENTWISE_RULE,
    alternative: AS_CONCATENATE,
    symbol: '+',
    advice: 'keeps the width (3 and 3 give 3): combines same-shaped features, as residual connections do; nothing after it grows',
    exampleArgs: {},
  },
  Subtract: {
    elementwise: true,
    rule: `${ELEMENTWISE_RULE} and exactly 2 inputs`,
    alternative: AS_CONCATENATE,
    symbol: '−',
    advice: 'keeps the width: the first input minus the second (comparing two embeddings); order matters',
    exampleArgs: {},
  },
  Multiply: {
    elementwise: true,
    rule: ELEMENTWISE_RULE,
    alternative: AS_CONCATENATE,
    symbol: '×',
    advice: 'keeps the width: scales or gates one input by the other (attention, squeeze-and-excitation); broadcasts',
    exampleArgs: {},
  },
  Average: {
    elementwise: true,
    rule: ELEMENTWISE_RULE,
    alternative: AS_CONCATENATE,
    symbol: 'avg',
    advice: 'keeps the width: the mean of the inputs, e.g. to ensemble branches',
    exampleArgs: {},
  },
  Maximum: {
    elementwise: true,
    rule: ELEMENTWISE_RULE,
    alternative: AS_CONCATENATE,
    symbol: 'max',
    advice: 'keeps the width: the larger value at each position',
    exampleArgs: {},
  },
  Minimum: {
    elementwise: true,
    rule: ELEMENTWISE_RULE,
    alternative: AS_CONCATENATE,
    symbol: 'min',
    advice: 'keeps the width: the smaller value at each position',
    exampleArgs: {},
  },
  Concatenate: {
    elementwise: false,
    rule: 'needs inputs of equal rank whose shapes are equal except on the concatenation axis',
    alternative: { type: 'Add', args: {} },
    symbol: '⧺',
    advice: 'sums the widths (3 and 3 give 6): keeps both inputs whole, and every layer after it that depends on the width grows with it',
    exampleArgs: { axis: -1 },
  },
  Dot: {
    elementwise: false,
    rule: 'needs exactly 2 inputs whose sizes are equal on the dot axes',
    alternative: null,
    noAlternative: 'Dot has no natural alternative: it contracts its inputs on the dot axes, which no other merge does',
    symbol: '·',
    advice: 'contracts the inputs on the dot axes to a score (width 1): a similarity, the width disappears',
    exampleArgs: { axes: -1 },
  },
};

export function isMergeType(type: string): type is MergeType {
  return (MERGE_TYPES as readonly string[]).includes(type);
}
