/**
 * Keras classes whose output no configuration can tell, with why in the
 * user's terms: each runs code that only Python (or a framework) holds.
 * Keras lists them among its layers, so a spec naming one is no typo, and
 * a file holding one stops at that layer, whatever merge-summary knows.
 */
export const UNKNOWABLE_CLASSES: Readonly<Record<string, string>> = {
  Lambda: 'a Lambda layer runs Python code that its configuration only holds as bytecode',
  TFOpLambda: 'a TFOpLambda layer calls a TensorFlow function that its configuration does not describe',
  Layer: 'the base class Layer has no call of its own (Keras raises NotImplementedError); a subclass\'s Python code is what runs',
  Wrapper: 'the base class Wrapper has no call of its own; its subclasses Bidirectional and TimeDistributed do',
  FlaxLayer: 'a FlaxLayer runs a Flax module, Python code no configuration holds',
  JaxLayer: 'a JaxLayer runs JAX functions, Python code no configuration holds',
  TFSMLayer: 'a TFSMLayer calls an endpoint of a TensorFlow SavedModel, which only that SavedModel describes',
  TorchModuleWrapper: 'a TorchModuleWrapper runs a PyTorch module, Python code no configuration holds',
};

export function unknowableWhy(className: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(UNKNOWABLE_CLASSES, className) ? UNKNOWABLE_CLASSES[className] : undefined;
}
