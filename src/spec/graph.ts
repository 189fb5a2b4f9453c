import type { SourceLocation } from '../errors.js';

/** A dimension of unknown size is null, as in Keras. Shapes here leave out the batch dimension. */
export type Dim = number | null;

/**
 * A model as every reader (YAML spec, Keras config) hands it to the builder:
 * inputs, then calls of layers in an order where each call's inputs exist.
 * Every part keeps the place in the user's file it came from, so a problem
 * found while building can point there.
 */
export interface ModelGraph {
  name: string;
  /** The path the user gave, or "-" for standard input. */
  source: string;
  inputs: InputNode[];
  calls: LayerCall[];
  outputs: TensorRef[];
  at: SourceLocation;
}

export interface InputNode {
  name: string;
  shape: Dim[];
  dtype: string;
  batchSize?: number;
  at: SourceLocation;
}

/** One application of a layer to tensors. The first call of a layer defines it. */
export interface LayerCall {
  /** What `from` entries and outputs call this call's output. */
  label: string;
  layer: string;
  definition?: LayerDefinition;
  from: TensorRef[];
  at: SourceLocation;
}

export interface LayerDefinition {
  name: string;
  /** The Keras class name. */
  type: string;
  /** Constructor arguments as the user wrote them (snake_case or camelCase). */
  args: Record<string, unknown>;
  argLocations: Record<string, SourceLocation>;
  at: SourceLocation;
  /** Where the type is written, for "unknown layer type". */
  typeAt: SourceLocation;
  /**
   * For a layer read from a Keras or TF.js file: its class and configuration
   * in tfjs's own form, which build it exactly as tfjs's loader did.
   */
  tfjs?: { className: string; config: object; customObjects?: Record<string, unknown> };
}

/** An input or a call's output; `index` picks one output of a multi-output layer. */
export interface TensorRef {
  label: string;
  index?: number;
  at: SourceLocation;
}

export function describeRef(ref: TensorRef): string {
  return ref.index === undefined ? ref.label : `${ref.label}[${ref.index}]`;
}
