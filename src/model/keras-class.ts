import type { Layer } from './tfjs.js';

/** tfjs names some classes differently from Keras 3. */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: 'Functional' };

export function kerasClassName(layer: Layer): string {
  const name = layer.getClassName();
  return KERAS_CLASS_NAMES[name] ?? name;
}
