/**
 * Keras 3's automatic layer names: the class name in snake_case, then `_1`,
 * `_2`, ... for later layers of the same kind (`conv2d`, `conv2d_1`, `re_lu`).
 * Inputs are `input_layer`, `input_layer_1`, ...
 */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export const INPUT_PREFIX = 'input_layer';

/** Hands out Keras auto-names, never one the model already uses explicitly. */
export class KerasNamer {
  private readonly counts = new Map<string, number>();

  constructor(private readonly taken: Set<string>) {}

  next(prefix: string): string {
    let count = this.counts.get(prefix) ?? 0;
    let name: string;
    do {
      name = count === 0 ? prefix : `${prefix}_${count}`;
      count += 1;
    } while (this.taken.has(name));
    this.counts.set(prefix, count);
    this.taken.add(name);
    return name;
  }
}

/**
 * A Keras 3 functional op node (a keras.ops call on a symbolic tensor, saved
 * with module keras.src.ops.*) is built as the layer class of this prefix and
 * its Keras class name (keras.ops.Add), apart from Keras's layer classes.
 */
export const KERAS_OP_PREFIX = 'keras.ops.';

/** What stands for a tensor among an op node's operands (its other operands are the constants it was called with). */
export const OPERAND_TENSOR = { tensor: true } as const;

export type WeightPolicy = 'initializer' | 'regularizer' | 'constraint';

/**
 * What an argument named for a weight's policy holds (kernel_initializer,
 * gamma_constraint, activity_regularizer): across Keras, the suffix says it.
 * Such an argument sets values, never a shape or a count.
 */
export function weightPolicyOf(snakeName: string): WeightPolicy | undefined {
  return /_(initializer|regularizer|constraint)$/.exec(snakeName)?.[1] as WeightPolicy | undefined;
}
