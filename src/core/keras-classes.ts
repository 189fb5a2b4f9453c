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
