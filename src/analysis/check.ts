import type { Baseline } from '../readers/baseline.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';

/** Budgets a model must stay within; every one is optional. */
export interface Budgets {
  maxParams?: number;
  maxTrainable?: number;
  /** Parameter memory in bytes. */
  maxBytes?: number;
  maxLayerParams?: number;
}

/** A tolerance as an exact decimal: 2.5% is { units: 25n, scale: 10n }. */
export interface Tolerance {
  text: string;
  percent: number;
  units: bigint;
  scale: bigint;
}


export type BreachKind = 'max-params' | 'max-trainable' | 'max-size' | 'max-layer-params' | 'baseline-total' | 'baseline-layer';

export interface Breach {
  kind: BreachKind;
  /** The number that broke the budget, the largest allowed, and by how much it is over. */
  actual: number;
  limit: number;
  excess: number;
  excessPercent: number;
  unit: 'params' | 'bytes';
  /** For a baseline: what it was there, and the growth since in percent. */
  baseline?: number;
  growthPercent?: number;
  /** The layers responsible, most first. */
  layers: ResponsibleLayer[];
}

export interface ResponsibleLayer {
  name: string;
  type: string;
  params: number;
  /** Against the baseline: its parameters there (0 for a new layer), and the change since. */
  baselineParams?: number;
  change?: number;
}

export interface SpecCheck {
  spec: string;
  name: string;
  passed: boolean;
  totals: Totals;
  baseline?: { source: string; params: number };
  breaches: Breach[];
}

/** A spec that could not be checked (it cannot be read, its baseline is missing, it is no model): why. */
export interface SpecError {
  spec: string;
  passed: false;
  error: { code: string; message: string };
}

export type SpecResult = SpecCheck | SpecError;

export function isSpecError(result: SpecResult): result is SpecError {
  return 'error' in result;
}

/** `merge-summary check --json` (schema merge-summary-check/1). */
export interface CheckReport {
  schema: 'merge-summary-check/1';
  /** Every spec checked and within its budgets. */
  passed: boolean;
  budgets: Budgets;
  tolerancePercent: number;
  perLayer: boolean;
  /** One per spec, in the order given; a spec that could not be checked has an `error` instead of totals. */
  results: SpecResult[];
  /** How many specs could not be checked. */
  errors: number;
}

/** How many responsible layers a breach names. */
const RESPONSIBLE = 5;

export function checkModel(
  summary: ModelSummary,
  budgets: Budgets,
  baselineRule?: { baseline: Baseline; tolerance: Tolerance; perLayer: boolean },
): SpecCheck {
  const breaches: Breach[] = [];
  const { totals, layers } = summary;
  const largest = (by: (layer: LayerSummary) => number) =>
    [...layers].filter((l) => by(l) > 0).sort((x, y) => by(y) - by(x)).slice(0, RESPONSIBLE).map(responsible);

  if (budgets.maxParams !== undefined && totals.params > budgets.maxParams) {
    breaches.push(breach({ kind: 'max-params', actual: totals.params, limit: budgets.maxParams, unit: 'params', layers: largest((l) => l.params) }));
  }
  if (budgets.maxTrainable !== undefined && totals.trainable > budgets.maxTrainable) {
    breaches.push(breach({ kind: 'max-trainable', actual: totals.trainable, limit: budgets.maxTrainable, unit: 'params', layers: largest((l) => l.trainable) }));
  }
  if (budgets.maxBytes !== undefined && totals.bytes > budgets.maxBytes) {
    breaches.push(breach({ kind: 'max-size', actual: totals.bytes, limit: budgets.maxBytes, unit: 'bytes', layers: largest((l) => l.bytes) }));
  }
  if (budgets.maxLayerParams !== undefined) {
    const over = layers.filter((l) => l.params > (budgets.maxLayerParams as number)).sort((x, y) => y.params - x.params);
    if (over.length > 0) {
      breaches.push(breach({ kind: 'max-layer-params', actual: over[0].params, limit: budgets.maxLayerParams, unit: 'params', layers: over.map(responsible) }));
    }
  }
  if (baselineRule) breaches.push(...baselineBreaches(summary, baselineRule.baseline, baselineRule.tolerance, baselineRule.perLayer));

  return {
    spec: summary.source,
    name: summary.name,
    passed: breaches.length === 0,
    totals,
    baseline: baselineRule && { source: baselineRule.baseline.source, params: baselineRule.baseline.totals.params },
    breaches,
  };
}

function baselineBreaches(summary: ModelSummary, baseline: Baseline, tolerance: Tolerance, perLayer: boolean): Breach[] {
  const before = new Map(baseline.layers.map((layer) => [layer.name, layer.params]));
  const grown = summary.layers
    .map((layer) => {
      const baselineParams = before.get(layer.name) ?? 0;
      return { ...responsible(layer), baselineParams, change: layer.params - baselineParams };
    })
    .filter((layer) => layer.change > 0)
    .sort((x, y) => y.change - x.change);
  const breaches: Breach[] = [];
  const base = baseline.totals.params;
  if (!withinTolerance(summary.totals.params, base, tolerance)) {
    breaches.push(breach({
      kind: 'baseline-total',
      actual: summary.totals.params,
      limit: allowed(base, tolerance),
      unit: 'params',
      baseline: base,
      growthPercent: base === 0 ? 100 : ((summary.totals.params - base) / base) * 100,
      layers: grown.slice(0, RESPONSIBLE),
    }));
  }
  if (perLayer) {
    const over = grown.filter((layer) => !withinTolerance(layer.params, layer.baselineParams, tolerance));
    if (over.length > 0) {
      breaches.push(breach({
        kind: 'baseline-layer',
        actual: over[0].params,
        limit: allowed(over[0].baselineParams, tolerance),
        unit: 'params',
        baseline: over[0].baselineParams,
        growthPercent: over[0].baselineParams === 0 ? 100 : (over[0].change / over[0].baselineParams) * 100,
        layers: over,
      }));
    }
  }
  return breaches;
}

/** now <= before * (1 + tolerance), exactly: a count at the limit passes. */
export function withinTolerance(now: number, before: number, tolerance: Tolerance): boolean {
  const hundred = 100n * tolerance.scale;
  return BigInt(now) * hundred <= BigInt(before) * (hundred + tolerance.units);
}

/** The largest count within the tolerance of `before`. */
function allowed(before: number, tolerance: Tolerance): number {
  const hundred = 100n * tolerance.scale;
  return Number((BigInt(before) * (hundred + tolerance.units)) / hundred);
}

function breach(fields: Omit<Breach, 'excess' | 'excessPercent'>): Breach {
  const excess = fields.actual - fields.limit;
  return { ...fields, excess, excessPercent: fields.limit === 0 ? 100 : (excess / fields.limit) * 100 };
}

function responsible(layer: LayerSummary): ResponsibleLayer {
  return { name: layer.name, type: layer.type, params: layer.params };
}
