import type { MergeType } from '../core/merge-kinds.js';
import type { FullShape } from '../core/shapes.js';
import type { Warning } from '../core/warnings.js';

/**
 * The analysis result: plain data, which is also what `--json` prints
 * (../shared/summary-json.md, schema merge-summary/1). Renderers read it;
 * nothing here knows how it will be shown.
 */
export interface ModelSummary {
  schema: 'merge-summary/1';
  name: string;
  source: string;
  layers: LayerSummary[];
  totals: Totals;
  merges: MergeSummary[];
  /** True when the model is a plain chain (Keras then leaves out "Connected to"). */
  sequentialLike: boolean;
  warnings: Warning[];
  /** How this summary was made when it is not from a layer graph (a subclassed model), or what of the file was not checked (weights compressed in a .keras archive): shown under the title. */
  note?: string;
}

/**
 * A cost in the document (../shared/summary-json.md): NAME is the exact
 * count, or null when it is not one number; then NAMEPerStep (and
 * NAMEFixed, when part of it does not grow with the sequence) when it grows
 * with a sequence of unknown length, total = NAMEFixed + NAMEPerStep × steps;
 * and NAMEWhy, why it is not exact.
 */
export type CostFields<K extends string> = { [P in K]?: number | null } & { [P in `${K}PerStep` | `${K}Fixed`]?: number } & { [P in `${K}Why`]?: string };

export interface LayerSummary extends CostFields<'macs'>, CostFields<'activationBytes'> {
  name: string;
  /** The Keras class name. */
  type: string;
  /** The layers feeding it, one per input tensor, over every call of the layer. */
  inputs: string[];
  /** Keras's "Connected to": which call of which layer, and which of its outputs. */
  connections: Connection[];
  inputShapes: FullShape[];
  /** The last call's output shape; a list of shapes for a layer with several outputs. */
  outputShape: FullShape | FullShape[];
  params: number;
  trainable: number;
  nonTrainable: number;
  /** Parameter memory at each weight's dtype. */
  bytes: number;
  /**
   * Keras's `layer.trainable` flag. Not the same as trainable > 0: a
   * BatchNormalization is trainable with non-trainable moving statistics, a
   * Normalization is trainable with only non-trainable weights. (Added for
   * --show-trainable; absent in documents from older versions.)
   */
  layerTrainable?: boolean;
  /** How many weight variables the layer has (Keras's show_trainable prints "-" for none). */
  weightVariables?: number;
  /** The merges whose choice changes this layer's output shape or parameters: by name, or as MODEL/NAME for a merge inside a nested model. */
  dependsOnMerges: string[];
  /** Why this row's shape is a guess (an unknown layer, or after one); absent when it is Keras's. */
  unverified?: string;
  /** For a model used as a layer: its own layers, as --expand-nested shows them. */
  nested?: LayerSummary[];
}

export interface Connection {
  layer: string;
  node: number;
  tensor: number;
}

/**
 * Costs (added fields): the batch size they are counted at, mult-adds, and
 * torchinfo's lines: input size, forward/backward pass size, params size
 * (`bytes`), estimated total size; and the peak of live activation memory
 * during inference, with the call at which it is reached.
 */
export interface Totals
  extends CostFields<'macs'>,
    CostFields<'inputBytes'>,
    CostFields<'forwardBackwardBytes'>,
    CostFields<'estimatedTotalBytes'>,
    CostFields<'peakActivationBytes'> {
  batchSize?: number;
  peakActivationAt?: string;
  params: number;
  trainable: number;
  nonTrainable: number;
  bytes: number;
  trainableBytes: number;
  nonTrainableBytes: number;
}

/** One merge layer and what choosing it did to the model. */
export interface MergeSummary {
  name: string;
  type: MergeType;
  /** For a merge inside a nested model: the models it is in, outermost first. */
  within?: string[];
  inputShapes: FullShape[];
  outputShape: FullShape;
  /** Elementwise merge of inputs of different shapes (e.g. (None, 1, 1, 64) x (None, 32, 32, 64)). */
  broadcasts: boolean;
  /** For Concatenate: the axis as written, the sizes joined on it and their sum. */
  concatenation?: { axis: number; inputSizes: (number | null)[]; outputSize: number | null };
  /** The same model with this one merge swapped. */
  alternative: MergeAlternative;
  /** Layers after the merge whose output shape or parameters differ in the alternative, in call order. */
  affected: AffectedLayer[];
  /** Layers where the footprint ends: their input changed but their output shape did not. */
  stopsAt: string[];
  /** Model outputs whose shape the swap changes: the footprint does not stop inside the model. */
  reachesOutputs: string[];
  /** |parameter change| of the swap, -1 when it cannot be built: what "largest impact first" sorts by. */
  impact: number;
}

export type MergeAlternative = PossibleAlternative | ImpossibleAlternative;

/** The swapped model builds: its output and totals (and its costs: mult-adds and peak activations, with their change). */
export interface PossibleAlternative
  extends CostFields<'totalMacs'>,
    CostFields<'totalMacsChange'>,
    CostFields<'peakActivationBytes'>,
    CostFields<'peakActivationBytesChange'> {
  /** totalMacsChange as a percentage of the model's mult-adds, when both are exact. */
  totalMacsPercent?: number | null;
  peakActivationAt?: string;
  type: MergeType;
  possible: true;
  outputShape: FullShape;
  totalParams: number;
  trainableParams: number;
  /** totalParams minus the model's. */
  totalParamsChange: number;
  totalParamsPercent: number;
}

/** The swap cannot be built, and why. */
export interface ImpossibleAlternative {
  /** null when the merge has no natural alternative (Dot). */
  type: MergeType | null;
  possible: false;
  reason: string;
  /** The layer after the merge that cannot take the alternative's output, when that is why. */
  blockedBy?: string;
  /** The alternative's own output, when the alternative itself builds. */
  outputShape?: FullShape;
}

export interface AffectedLayer
  extends CostFields<'macs'>,
    CostFields<'alternativeMacs'>,
    CostFields<'macsChange'>,
    CostFields<'activationBytes'>,
    CostFields<'alternativeActivationBytes'> {
  name: string;
  /** For a layer inside a nested model: the models it is in, outermost first. */
  within?: string[];
  type: string;
  outputShape: FullShape | FullShape[];
  alternativeOutputShape: FullShape | FullShape[];
  params: number;
  alternativeParams: number;
  paramsChange: number;
}
