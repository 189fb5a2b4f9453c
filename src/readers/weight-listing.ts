/**
 * The weights a file lists, with their shapes and where each belongs: a TF.js
 * weights manifest, the model_weights/ group of a Keras .h5 file, a
 * save_weights file, or a Keras 3 .weights.h5. Never their values.
 */
export interface WeightListing {
  /** How messages name where the weights come from: "the weights manifest", "model.weights.h5". */
  source: string;
  weights: ListedWeight[];
  /** The weights cannot be told apart by layer (a checkpoint's variables/N entries): only the totals are compared. */
  byTotal?: boolean;
  /**
   * Why the file's weights are not listed and so not checked (a .keras
   * archive whose model.weights.h5 is compressed): a sentence said under the
   * summary's title, not a warning, as nothing is known to be wrong.
   */
  unchecked?: string;
}

export interface ListedWeight {
  /** The weight's name or path in the file, for messages. */
  name: string;
  shape: number[];
  locator: WeightLocator;
}

/**
 * Which layer a weight belongs to.
 * - `names`: the path of names a Keras 2 / legacy .h5 file or a TF.js
 *   manifest gives the weight (`bidirectional_5/bidirectional_5/forward_lstm_9`,
 *   `sequential_9/Conv1`): the layer is the deepest of these names that names
 *   a layer, each name looked for inside the model the previous one found.
 *   Names that name no layer (the model's own name, a cell, a variable scope)
 *   are passed over.
 * - `saved`: a Keras 3 weights file's path `layers/<key>/layers/<key>/...`:
 *   one step per nesting level, each with the layer's name when the file
 *   records it (Keras 3.10 and later write it on the `vars` group), else only
 *   the key Keras saved it under: the snake_case class name, numbered in the
 *   order of the model's layers (`dense`, `dense_1`, ...).
 */
export type WeightLocator = { kind: 'names'; names: string[] } | { kind: 'saved'; steps: { key: string; layerName?: string }[] };
