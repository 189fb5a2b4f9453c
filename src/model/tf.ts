import { createRequire } from 'node:module';

// tfjs ships CommonJS bundles without an "exports" map. Importing them from ESM
// makes Node scan each multi-megabyte bundle for named exports (about 0.6 s);
// require() skips that scan, which keeps the whole summary under 0.25 s.
const require = createRequire(import.meta.url);

export type TfCore = typeof import('@tensorflow/tfjs-core');
export type TfLayers = typeof import('@tensorflow/tfjs-layers');

export const tfc: TfCore = require('@tensorflow/tfjs-core');
export const tfl: TfLayers = require('@tensorflow/tfjs-layers');

export type Layer = import('@tensorflow/tfjs-layers').layers.Layer;
export type SymbolicTensor = import('@tensorflow/tfjs-layers').SymbolicTensor;
export type LayersModel = import('@tensorflow/tfjs-layers').LayersModel;
export type LayerVariable = import('@tensorflow/tfjs-layers').LayerVariable;
export type Shape = (number | null)[];

/** The class every tfjs layer extends; tfjs-layers does not export it by name. */
export const LayerClass = findOwner(tfl.layers.dense({ units: 1 }), 'addWeight') as unknown as {
  prototype: Layer & { addWeight: (...args: unknown[]) => LayerVariable };
};

/** The base class of tfjs's merge layers (Add, Concatenate, ...). */
export const MergeClass = Object.getPrototypeOf(tfl.layers.add().constructor) as new (
  args?: object,
) => Layer & { mergeFunction(inputs: unknown[]): unknown };

function findOwner(instance: object, method: string): { prototype: object } {
  let proto = Object.getPrototypeOf(instance);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, method)) {
    proto = Object.getPrototypeOf(proto);
  }
  if (!proto) throw new Error(`tfjs-layers has no class defining ${method}`);
  return proto.constructor;
}
