import { printedClass } from '../core/keras-classes.js';
import { KERAS_OP_PREFIX } from '../core/keras-names.js';
import type { Layer } from './tfjs.js';

/** tfjs names some classes differently from Keras 3. */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: 'Functional' };

/** The class Keras's summary prints: Functional for tfjs's Model, GroupedQueryAttention for GroupQueryAttention, an op node's op (`not_equal (NotEqual)`). */
export function kerasClassName(layer: Layer): string {
  const name = layer.getClassName();
  if (name.startsWith(KERAS_OP_PREFIX)) return name.slice(KERAS_OP_PREFIX.length);
  return printedClass(KERAS_CLASS_NAMES[name] ?? name);
}
