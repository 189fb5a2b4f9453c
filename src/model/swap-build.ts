import { UserError, isObject } from '../core/errors.js';
import { MERGE_KINDS, type MergeType } from '../core/merge-kinds.js';
import type { ModelSource } from '../readers/read.js';
import { buildKerasModel } from './build-keras.js';
import { buildModel, type BuiltModel } from './build-spec.js';

/**
 * The whole model built again with one merge swapped for its alternative
 * (MERGE_KINDS), on the storage-less backend: what `profile --swap` runs.
 * Merge impact finds the same model by rebuilding only what the swap
 * changes; this builds all of it, as the user would write it.
 */
export function buildWithSwap(source: ModelSource, merge: { name: string; within?: string[]; type: MergeType }, options: { allowUnknown: boolean }): BuiltModel {
  const alternative = MERGE_KINDS[merge.type].alternative;
  if (!alternative) throw new UserError('usage', `${merge.type} has no alternative to swap it for`);
  if (source.kind === 'spec') {
    const calls = source.graph.calls.map((call) => {
      if (call.layer !== merge.name || !call.definition) return call;
      const { at } = call.definition;
      return { ...call, definition: { kind: 'spec' as const, name: call.definition.name, type: alternative.type, args: alternative.args, argLocations: {}, at, typeAt: at } };
    });
    return buildModel({ ...source.graph, calls });
  }
  if (source.kind === 'subclassed') throw new UserError('usage', 'a subclassed model has no merges to swap: it saved no layer graph');
  const topology = structuredClone(source.topology);
  let model: Record<string, unknown> = topology.model;
  for (const name of merge.within ?? []) model = entryNamed(model, name);
  const entry = entryNamed(model, merge.name);
  const config = entry.config as Record<string, unknown>;
  entry.class_name = alternative.type;
  entry.config = { name: config.name, trainable: config.trainable, dtype: config.dtype, ...alternative.args };
  return buildKerasModel(topology, options);
}

function entryNamed(model: Record<string, unknown>, name: string): Record<string, unknown> {
  const layers = ((model.config as { layers?: Record<string, unknown>[] } | undefined)?.layers ?? []) as Record<string, unknown>[];
  const found = layers.find((layer) => (layer.name ?? (isObject(layer.config) ? layer.config.name : undefined)) === name);
  if (!found) throw new Error(`the model has no layer ${name} to swap`);
  return found;
}
