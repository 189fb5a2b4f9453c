import type { MergeType } from '../core/merge-kinds.js';
import type { FullShape } from '../core/shapes.js';
import type { Warning } from '../core/warnings.js';

/**
 * What the model layer hands to the analysis: plain data, read off the
 * built tfjs model once. Nothing here refers to tfjs, so everything that
 * reasons about a model (summary, merge impact, diff, check, costs) is a
 * pure function of it.
 */

export interface WeightFact {
  /** Identifies the weight: a weight shared by several layers has one id, and is counted once. */
  id: number;
  name: string;
  shape: number[];
  dtype: string;
}

/** An input of a call: which call of which layer produced it, and which of that call's outputs it is. */
export interface ConnectionFact {
  layer: string;
  node: number;
  tensor: number;
}

/** One call (a node, in Keras's terms) of a layer, within its model. */
export interface CallFact {
  /** Which call of its layer this is (the node index). */
  index: number;
  inputs: ConnectionFact[];
  inputShapes: FullShape[];
  outputShapes: FullShape[];
}

export interface LayerFacts {
  name: string;
  /** The Keras class name. */
  type: string;
  /** The calls that belong to the model, in order. */
  calls: CallFact[];
  trainableWeights: WeightFact[];
  nonTrainableWeights: WeightFact[];
  /** Whether the layer itself is trainable (Keras's layer.trainable). */
  trainable: boolean;
  /** Its configuration in tfjs's form (camelCase keys), for rules that need an argument. */
  config: Record<string, unknown>;
  /** Why its shapes are a guess (an unknown layer, or after one). */
  unverified?: string;
  /** For a model used as a layer: its own layers. */
  nested?: ModelFacts;
}

export interface ModelFacts {
  name: string;
  source: string;
  /** In Keras's order: by depth from the inputs, ties in the order the graph was discovered. */
  layers: LayerFacts[];
  /** The model's weights, each once (shared weights are counted once, as Keras counts them). */
  trainableWeights: WeightFact[];
  nonTrainableWeights: WeightFact[];
  outputs: ConnectionFact[];
  warnings: Warning[];
  /** How these facts were made when not from a layer graph (a subclassed model), or what of the file was not checked: said under the title. */
  note?: string;
  /** The calls as they run, with the tensors between them: what costs are computed from. */
  execution?: ExecutionFacts;
}

/** A tensor the model computes, named as Keras's "Connected to" names it: LAYER[CALL][OUTPUT]. */
export interface TensorFact {
  id: string;
  shape: FullShape;
  dtype: string;
}

/** A weight as the cost rules read it: its name (the last part says what it is: kernel, recurrent_kernel) and its shape. */
export interface WeightShape {
  name: string;
  shape: number[];
}

/**
 * One call of a layer as it runs: the plain facts a cost rule reads (class,
 * configuration, weights, shapes) and the tensors it reads and makes.
 */
export interface ExecutedCall {
  /** The layer's name, and the nested models it sits in within this model ([] for the model's own layers). */
  layer: string;
  path: ModelPath;
  /** Which call of the layer this is: its node index, as CallFact.index. */
  node: number;
  /** The Keras class name. */
  type: string;
  /** Its configuration in tfjs's form ({} for a model used as a layer). */
  config: Record<string, unknown>;
  weights: WeightShape[];
  inputShapes: FullShape[];
  outputShapes: FullShape[];
  /** Tensor ids. */
  inputs: string[];
  outputs: string[];
  /** A model used as a layer: its own calls, which run in place of this one. */
  nested?: ExecutionFacts;
}

/** A model's calls in the order they run (each call's inputs made before it), its tensors, inputs and outputs. */
export interface ExecutionFacts {
  tensors: TensorFact[];
  inputs: string[];
  /** The InputLayer of each input, and where it sits (a Sequential may run a nested model's InputLayer as its own). */
  inputLayers: LayerAt[];
  outputs: string[];
  calls: ExecutedCall[];
}

/** Where a layer is: the names of the models it is nested in, outermost first ([] for the model itself). */
export type ModelPath = string[];

export interface LayerAt {
  name: string;
  path: ModelPath;
}

/** A layer built again downstream of a changed merge, as it would be in the changed model. */
export interface RebuiltLayer extends LayerAt {
  type: string;
  outputShape: FullShape | FullShape[];
  params: number;
  trainable: number;
  /** What its cost rule reads, as in the changed model: its configuration, its weights and every call built again. */
  config?: Record<string, unknown>;
  weights?: WeightShape[];
  calls?: RebuiltCall[];
  /**
   * A nested model's own row, changed by the layers rebuilt inside it: its
   * counts are theirs summed (not a change of its own), and its costs are
   * those of its calls.
   */
  nestedModel?: true;
}

/** One call of a rebuilt layer: which call (node index) of the layer in the model, and its shapes in the changed model. */
export interface RebuiltCall {
  node: number;
  inputShapes: FullShape[];
  outputShapes: FullShape[];
}

/** What swapping one merge for its alternative gives. */
export type SwapOutcome =
  /** The merge has no natural alternative (Dot). */
  | { kind: 'no-alternative' }
  /** The alternative merge cannot take the merge's inputs. */
  | { kind: 'rejected'; alternative: MergeType; reason: string }
  /** The alternative builds, but a layer after it cannot take its output. */
  | { kind: 'blocked'; alternative: MergeType; outputShape: FullShape; blockedBy: LayerAt; reason: string; rebuilt: RebuiltLayer[] }
  /** The swapped model builds: every layer that had to be built again. */
  | { kind: 'built'; alternative: MergeType; outputShape: FullShape; rebuilt: RebuiltLayer[] };

export interface MergeFacts extends LayerAt {
  type: MergeType;
  /** Which call of the merge layer is swapped (its node index). */
  node?: number;
  /** Concatenate's axis as configured. */
  axis?: number;
  swap: SwapOutcome;
  /**
   * For a swap that cannot be built: what the merge's output decides all
   * the same, found by widening that output by one on its merge axis.
   */
  dependents?: { rebuilt: RebuiltLayer[]; blockedBy?: LayerAt };
}

/** One merge applied to a tiny example with real tfjs kernels (--explain). */
export interface MergeExample {
  type: MergeType;
  inputs: number[][][];
  output: number[][];
  outputShape: number[];
  /** When to prefer it, in one line. */
  advice: string;
}

export interface Explanation {
  /** The kernel backend that computed the examples. */
  backend: string;
  examples: MergeExample[];
}

/** Measured time of one call of a layer, over the layer-by-layer passes of `profile`. */
export interface LayerTiming extends LayerAt {
  type: string;
  /** Which call of the layer (node index). */
  node: number;
  medianMs: number;
}

/** One model measured by `profile`: latency over the timed runs, per-layer times, tensor memory. */
export interface ModelProfile {
  name: string;
  /** Whole-model latency of each timed run (model.predict, output read back), in milliseconds. */
  runsMs: number[];
  /** The calls in execution order, each timed on its own (median over the layer-by-layer passes). */
  layers: LayerTiming[];
  /** Bytes of the model's weights on the backend. */
  weightBytes: number;
  /** Most bytes of tensors alive at once during a forward pass (tf.profile's peakBytes: weights and inputs included). */
  peakTensorBytes: number;
}

/** What `profile` measured, and on what. */
export interface ProfileFacts {
  backend: { name: string; label: string; threads: number; simd?: boolean; threadsNote: string };
  batchSize: number;
  warmup: number;
  runs: number;
  models: ModelProfile[];
}
