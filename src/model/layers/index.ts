import { installKeywordInputs, registerClass } from '../tfjs.js';
import { registerKerasActivations } from './activations.js';
import * as activationLayers from './activation-layers.js';
import * as applications from './applications.js';
import * as attention from './attention.js';
import * as augmentation from './augmentation.js';
import * as convLstm from './conv-lstm.js';
import * as convolution from './convolution.js';
import * as core from './core.js';
import * as einsumDense from './einsum-dense.js';
import * as flatten from './flatten.js';
import * as lookup from './lookup.js';
import * as merging from './merging.js';
import * as normalization from './normalization.js';
import * as pipeline from './pipeline.js';
import * as pooling from './pooling.js';
import * as preprocessing from './preprocessing.js';
import * as recurrent from './recurrent.js';
import * as reshaping from './reshaping.js';
import * as resizing from './resizing.js';
import * as spatial from './spatial.js';
import * as spectrogram from './spectrogram.js';
import * as subtract from './subtract.js';
import * as tensorflowOp from './tensorflow-op.js';

/**
 * Keras layers that tfjs lacks, or where tfjs's semantics differ from Keras's,
 * one module per family. Every class a module exports with a static
 * className is registered in tfjs's own serialization registry, so specs,
 * Keras configs and tfjs's model loader all find it by class name like any
 * built-in layer (a class registered under a tfjs name replaces tfjs's).
 */
const MODULES: Record<string, unknown>[] = [
  activationLayers, applications, attention, augmentation, convLstm, convolution, core, einsumDense, flatten, lookup, merging,
  normalization, pipeline, pooling, preprocessing, recurrent, reshaping, resizing, spatial, spectrogram, subtract, tensorflowOp,
];

/** The layer classes a module exports: the functions with a static className. */
function layersOf(module: Record<string, unknown>): unknown[] {
  return Object.values(module).filter((value) => typeof value === 'function' && typeof (value as { className?: unknown }).className === 'string');
}

let registered = false;

export function registerKerasLayers(): void {
  if (registered) return;
  for (const module of MODULES) for (const layer of layersOf(module)) registerClass(layer);
  registerKerasActivations();
  // After every class is registered: each class's own apply() learns keyword tensors (a mask by keyword).
  installKeywordInputs();
  registered = true;
}
