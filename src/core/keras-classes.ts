import { KERAS_SIGNATURES } from './keras-signatures.js';

/** A layer class's Keras signature, following an alias (Convolution2D → Conv2D). */
export function kerasSignature(type: string): { className: string; required: string[]; defaults: Record<string, unknown> } | undefined {
  if (!Object.prototype.hasOwnProperty.call(KERAS_SIGNATURES, type)) return undefined;
  const entry = KERAS_SIGNATURES[type];
  if ('aliasOf' in entry) {
    const target = KERAS_SIGNATURES[entry.aliasOf];
    return 'aliasOf' in target ? undefined : { className: entry.aliasOf, ...target };
  }
  return { className: type, ...entry };
}

/** The Keras class a type name stands for: itself, or the class an alias names (MaxPool2D → MaxPooling2D). */
export function canonicalClass(type: string): string {
  return kerasSignature(type)?.className ?? type;
}

/**
 * Classes keras.layers exports under another name than their Python class's:
 * Keras prints the class's own name, and names layers after it
 * (GroupQueryAttention is GroupedQueryAttention, grouped_query_attention).
 */
const PYTHON_CLASS_NAMES: Record<string, string> = { GroupQueryAttention: 'GroupedQueryAttention' };

/** The class name Keras prints for a layer class, and makes its layers' default names from. */
export function printedClass(className: string): string {
  return Object.prototype.hasOwnProperty.call(PYTHON_CLASS_NAMES, className) ? PYTHON_CLASS_NAMES[className] : className;
}
