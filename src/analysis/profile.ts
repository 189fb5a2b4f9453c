import type { ModelProfile, ProfileFacts } from '../model/facts.js';
import type { CostFields, ModelSummary } from './types.js';

/**
 * `merge-summary profile --json` (schema merge-summary-profile/1): what was
 * measured, with the counts of the summary beside it so the two can be read
 * together (a swap's measured latency beside its mult-adds).
 */
export interface ProfileReport {
  schema: 'merge-summary-profile/1';
  backend: ProfileFacts['backend'];
  batchSize: number;
  warmup: number;
  runs: number;
  /** The model, then (with --swap) the same model with the merge swapped. */
  models: ProfiledModel[];
}

export interface ProfiledModel extends CostFields<'macs'> {
  name: string;
  source: string;
  /** For the swapped model: which merge, as which type. */
  swap?: { merge: string; as: string };
  params: number;
  /** Peak live activation memory of inference as the summary counts it (bytes at the batch size). */
  peakActivationBytes: number | null;
  latencyMs: { median: number; min: number; max: number; p10: number; p90: number; runs: number[] };
  /** Samples a second at the median latency. */
  throughput: number;
  /** The sum of the per-layer medians, and what share of the median latency it is (100 when they agree). */
  layerSumMs: number;
  layerSumPercent: number;
  /** Bytes of the weights on the backend; the most bytes of tensors alive at once in a forward pass (weights and inputs included). */
  weightBytes: number;
  peakTensorBytes: number;
  layers: ProfiledLayer[];
}

export interface ProfiledLayer {
  name: string;
  /** For a layer inside a nested model: the models it is in, outermost first. */
  within?: string[];
  type: string;
  node: number;
  medianMs: number;
  /** Its share of the sum of the per-layer times, in percent. */
  percent: number;
}

/** p in [0, 100] of sorted values, linearly between neighbours. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = ((sorted.length - 1) * p) / 100;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

function profiledModel(profile: ModelProfile, summary: ModelSummary, batchSize: number, swap?: { merge: string; as: string }): ProfiledModel {
  const sorted = [...profile.runsMs].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const layerSumMs = profile.layers.reduce((sum, layer) => sum + layer.medianMs, 0);
  const { totals } = summary;
  return {
    name: summary.name,
    source: summary.source,
    ...(swap ? { swap } : {}),
    params: totals.params,
    macs: totals.macs ?? null,
    ...(totals.macsPerStep !== undefined ? { macsPerStep: totals.macsPerStep } : {}),
    ...(totals.macsWhy !== undefined ? { macsWhy: totals.macsWhy } : {}),
    peakActivationBytes: totals.peakActivationBytes ?? null,
    latencyMs: { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, p10: percentile(sorted, 10), p90: percentile(sorted, 90), runs: profile.runsMs },
    throughput: median > 0 ? (batchSize * 1000) / median : 0,
    layerSumMs,
    layerSumPercent: median > 0 ? (layerSumMs / median) * 100 : 0,
    weightBytes: profile.weightBytes,
    peakTensorBytes: profile.peakTensorBytes,
    layers: profile.layers.map((layer) => ({
      name: layer.name,
      ...(layer.path.length > 0 ? { within: layer.path } : {}),
      type: layer.type,
      node: layer.node,
      medianMs: layer.medianMs,
      percent: layerSumMs > 0 ? (layer.medianMs / layerSumMs) * 100 : 0,
    })),
  };
}

/** The report of a profile: the facts measured, each model beside its summary. */
export function profileReport(facts: ProfileFacts, summaries: ModelSummary[], swap?: { merge: string; as: string }): ProfileReport {
  return {
    schema: 'merge-summary-profile/1',
    backend: facts.backend,
    batchSize: facts.batchSize,
    warmup: facts.warmup,
    runs: facts.runs,
    models: facts.models.map((profile, i) => profiledModel(profile, summaries[i], facts.batchSize, i > 0 ? swap : undefined)),
  };
}
