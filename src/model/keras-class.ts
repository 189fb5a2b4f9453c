import { printedClass } from '../core/keras-classes.js';
import type { Layer } from './tfjs.js';

/** tfjs names some classes differently from Keras 3. */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: 'Functional' };

/** The class Keras prints for a layer: Functional for tfjs's Model, GroupedQueryAttention for GroupQueryAttention. */
export function kerasClassName(layer: Layer): string {
  const name = layer.getClassName();
  return printedClass(KERAS_CLASS_NAMES[name] ?? name);
}
