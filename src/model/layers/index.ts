import { registerClass } from '../tfjs.js';
import { registerKerasActivations } from './activations.js';
import { AdditiveAttention, Attention, MultiHeadAttention } from './attention.js';
import { KerasFlatten } from './flatten.js';
import { GroupNormalization, Normalization, UnitNormalization } from './normalization.js';
import { Resizing } from './resizing.js';
import * as spatial from './spatial.js';
import { StringLookup } from './string-lookup.js';
import { Subtract } from './subtract.js';
import { TensorFlowOpLayer } from './tensorflow-op.js';

/**
 * Keras layers that tfjs lacks, or where tfjs's semantics differ from Keras's.
 * Registered in tfjs's own serialization registry, so specs, Keras configs and
 * tfjs's model loader all find them by class name like any built-in layer.
 */
const KERAS_LAYERS = [
  KerasFlatten,
  Subtract,
  StringLookup,
  TensorFlowOpLayer,
  MultiHeadAttention,
  Attention,
  AdditiveAttention,
  GroupNormalization,
  UnitNormalization,
  Normalization,
  Resizing,
  ...Object.values(spatial).filter((value) => typeof value === 'function'),
];

let registered = false;

export function registerKerasLayers(): void {
  if (registered) return;
  for (const layer of KERAS_LAYERS) registerClass(layer);
  registerKerasActivations();
  registered = true;
}
