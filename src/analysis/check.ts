import { UserError } from '../core/errors.js';
import type { Baseline } from '../readers/baseline.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';
import { appendAll } from '../core/lists.js';

/** Budgets a model must stay within; every one is optional. */
export interface Budgets {
  maxParams?: number;
  maxTrainable?: number;
  /** Parameter memory in bytes. */
  maxBytes?: number;
  maxLayerParams?: number;
  /** Mult-adds of one forward pass at the batch size (added). */
  maxMacs?: number;
  /** Peak live activation memory of inference at the batch size, in bytes (added). */
  maxActivations?: number;
}

/** A tolerance as an exact decimal: 2.5% is { units: 25n, scale: 10n }. */
export interface Tolerance {
  text: string;
  percent: number;
  units: bigint;
  scale: bigint;
}


export type BreachKind =
  | 'max-params'
  | 'max-trainable'
  | 'max-size'
  | 'max-layer-params'
  | 'max-macs'
  | 'max-activations'
  | 'baseline-total'
  | 'baseline-layer'
  | 'baseline-macs'
  | 'baseline-activations';

export interface Breach {
  kind: BreachKind;
  /** The number that broke the budget, the largest allowed, and by how much it is over. */
  actual: number;
  limit: number;
  excess: number;
  excessPercent: number;
  unit: 'params' | 'bytes' | 'macs';
  /** For activation memory: the call at which the peak is reached. */
  at?: string;
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
  /** For a mult-adds budget: its mult-adds (and against the baseline, there). */
  macs?: number;
  baselineMacs?: number;
  /** Against the baseline: its parameters there (0 for a new layer), and the change since. */
  baselineParams?: number;
  change?: number;
}

export interface SpecCheck {
  spec: string;
  name: string;
  passed: boolean;
  totals: Totals;
  baseline?: { source: string; params: number; macs?: number | null; peakActivationBytes?: number | null };
  breaches: Breach[];
  /** What could not be compared, and why (a baseline written before costs were recorded). */
  notes?: string[];
}

/** A spec that could not be checked (it cannot be read, its baseline is missing, it is no model): why. */
export interface SpecError {
  spec: string;
  passed: false;
  /** `file`: the file the problem is in, where the error points at one (the spec, or its baseline). */
  error: { code: string; message: string; file?: string };
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
  if (budgets.maxMacs !== undefined) {
    const macs = exactCost(summary, 'macs', '--max-macs', 'mult-adds');
    if (macs > budgets.maxMacs) {
      const byMacs = [...layers].filter((l) => (l.macs ?? 0) > 0).sort((x, y) => (y.macs as number) - (x.macs as number)).slice(0, RESPONSIBLE);
      breaches.push(breach({ kind: 'max-macs', actual: macs, limit: budgets.maxMacs, unit: 'macs', layers: byMacs.map((l) => ({ ...responsible(l), macs: l.macs as number })) }));
    }
  }
  if (budgets.maxActivations !== undefined) {
    const peak = exactCost(summary, 'peakActivationBytes', '--max-activations', 'peak activation memory');
    if (peak > budgets.maxActivations) {
      breaches.push(breach({ kind: 'max-activations', actual: peak, limit: budgets.maxActivations, unit: 'bytes', layers: [], ...(totals.peakActivationAt ? { at: totals.peakActivationAt } : {}) }));
    }
  }
  const notes: string[] = [];
  if (baselineRule) appendAll(breaches, baselineBreaches(summary, baselineRule.baseline, baselineRule.tolerance, baselineRule.perLayer, notes));

  const { baseline } = baselineRule ?? {};
  return {
    spec: summary.source,
    name: summary.name,
    passed: breaches.length === 0,
    totals,
    baseline: baseline && {
      source: baseline.source,
      params: baseline.totals.params,
      ...(baseline.totals.macs !== undefined ? { macs: baseline.totals.macs } : {}),
      ...(baseline.totals.peakActivationBytes !== undefined ? { peakActivationBytes: baseline.totals.peakActivationBytes } : {}),
    },
    breaches,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * A cost a budget compares, which must be one exact number: a model whose
 * mult-adds grow with a sequence of unknown length, or whose shapes have an
 * unknown dimension, cannot be held to a number, and that is said, not passed.
 */
function exactCost(summary: ModelSummary, field: 'macs' | 'peakActivationBytes', option: string, what: string): number {
  const value = summary.totals[field];
  if (typeof value === 'number') return value;
  const why = summary.totals[`${field}Why`] ?? 'they were not counted';
  throw new UserError('inexact', `${summary.source}: ${option} cannot be checked: the model's ${what} are not one exact number (${why})${field === 'macs' && summary.totals.macsPerStep !== undefined ? `; ${summary.totals.macsPerStep} per step of the sequence` : ''}`);
}

function baselineBreaches(summary: ModelSummary, baseline: Baseline, tolerance: Tolerance, perLayer: boolean, notes: string[]): Breach[] {
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
  appendAll(breaches, baselineCostBreaches(summary, baseline, tolerance, notes));
  return breaches;
}

/**
 * Mult-adds and peak activation memory against the baseline, like the
 * parameters: growth beyond the tolerance is a breach. A baseline written
 * before costs were recorded has neither; that is said in a note (the
 * parameters are still compared), as is a cost that is not one exact number.
 */
function baselineCostBreaches(summary: ModelSummary, baseline: Baseline, tolerance: Tolerance, notes: string[]): Breach[] {
  const breaches: Breach[] = [];
  const compare = (field: 'macs' | 'peakActivationBytes', kind: BreachKind, unit: Breach['unit'], what: string) => {
    const before = baseline.totals[field];
    const now = summary.totals[field];
    if (before === undefined) {
      notes.push(`the baseline ${baseline.source} has no ${what} (written by a version that did not count them), so they are not compared; write it again with --write-baseline`);
      return;
    }
    if (typeof now !== 'number' || before === null) {
      notes.push(`${what}: not compared with the baseline, ${typeof now !== 'number' ? `as the model's figure is not one exact number (${summary.totals[`${field}Why`] ?? 'unknown'})` : 'as the baseline\'s figure is not one exact number'}`);
      return;
    }
    if (withinTolerance(now, before, tolerance)) return;
    const layers: ResponsibleLayer[] =
      field === 'macs'
        ? summary.layers
            .map((layer) => {
              const was = baseline.layers.find((l) => l.name === layer.name)?.macs ?? 0;
              return { ...responsible(layer), macs: layer.macs ?? 0, baselineMacs: was ?? 0, change: (layer.macs ?? 0) - (was ?? 0) };
            })
            .filter((layer) => layer.change > 0)
            .sort((x, y) => y.change - x.change)
            .slice(0, RESPONSIBLE)
        : [];
    breaches.push(breach({
      kind,
      actual: now,
      limit: allowed(before, tolerance),
      unit,
      baseline: before,
      growthPercent: before === 0 ? 100 : ((now - before) / before) * 100,
      layers,
      ...(field === 'peakActivationBytes' && summary.totals.peakActivationAt ? { at: summary.totals.peakActivationAt } : {}),
    }));
  };
  compare('macs', 'baseline-macs', 'macs', 'mult-adds');
  compare('peakActivationBytes', 'baseline-activations', 'bytes', 'peak activations');
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
