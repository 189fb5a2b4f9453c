import type { SourceLocation } from '../core/errors.js';
import type { Dim } from '../core/shapes.js';

export type { Dim };

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
  /** Without the batch dimension. */
  shape: Dim[];
  dtype: string;
  batchSize?: number;
  at: SourceLocation;
}

/** One application of a layer to tensors. The first call of a layer defines it. */
export interface LayerCall {
  /**
   * What `from` entries and outputs call this call's output: the layer's
   * name for its first call, a spec's `use` name, or callLabel(). Only an
   * identifier: nothing reads a layer's name back out of it.
   */
  label: string;
  layer: string;
  /** Which call of its layer this is, from 0. */
  index: number;
  definition?: LayerDefinition;
  from: TensorRef[];
  at: SourceLocation;
}

/** A layer as a spec entry writes it, or as a Keras / TF.js file configures it. */
export type LayerDefinition = SpecLayer | ConfiguredLayer;

/** A spec entry: a Keras class name and its constructor arguments. */
export interface SpecLayer {
  kind: 'spec';
  name: string;
  /** The Keras class name. */
  type: string;
  /** Constructor arguments as the user wrote them (snake_case or camelCase). */
  args: Record<string, unknown>;
  argLocations: Record<string, SourceLocation>;
  at: SourceLocation;
  /** Where the type is written, for "unknown layer type". */
  typeAt: SourceLocation;
}

/**
 * A layer read from a Keras or TF.js file: its class and configuration in
 * tfjs's own form, which build it exactly as tfjs's loader did.
 */
export interface ConfiguredLayer {
  kind: 'config';
  name: string;
  /** The Keras class name. */
  type: string;
  /** The class name tfjs registers it under. */
  className: string;
  config: object;
  /** Stand-ins for classes no shape rule knows (--allow-unknown), by class name. */
  customObjects: Record<string, unknown>;
  at: SourceLocation;
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

/** The label of call `index` (from 0) of a layer, when no name is given for it. */
export function callLabel(layer: string, index: number): string {
  return index === 0 ? layer : `${layer}@${index}`;
}
