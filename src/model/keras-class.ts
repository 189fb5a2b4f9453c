import { KERAS_OP_PREFIX } from '../core/keras-names.js';
import type { Layer } from './tfjs.js';

/** tfjs names some classes differently from Keras 3. */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: 'Functional' };

/** The class Keras's summary prints: an op node's is the op's (`not_equal (NotEqual)`). */
export function kerasClassName(layer: Layer): string {
  const name = layer.getClassName();
  if (name.startsWith(KERAS_OP_PREFIX)) return name.slice(KERAS_OP_PREFIX.length);
  return KERAS_CLASS_NAMES[name] ?? name;
}
