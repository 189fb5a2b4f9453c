import { FileReadError, UserError, isObject, type DocPath } from '../core/errors.js';
import { rememberSource } from './locate.js';
import { parseJson } from './parse.js';
import { readText } from './read.js';

/** What a baseline file (a merge-summary/1 document) must provide. */
export interface Baseline {
  source: string;
  /**
   * Mult-adds and peak activation bytes are absent in baselines written
   * before costs were counted, and null where the model's were not one
   * exact number.
   */
  totals: { params: number; macs?: number | null; peakActivationBytes?: number | null };
  layers: { name: string; params: number; macs?: number | null }[];
}

/**
 * Reads a baseline: a merge-summary/1 document (`merge-summary SPEC --json`).
 * Fields beyond the ones a check needs are ignored, so baselines written by
 * older or newer versions load; a missing or corrupt one is an error, never
 * a pass.
 */
export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readText(path, { what: 'the baseline' });
  } catch (error) {
    if (error instanceof FileReadError && error.problem === 'missing') {
      throw new UserError('baseline', `${error.message}; record one with "merge-summary check SPEC --write-baseline --baseline ${path}"`, error.location);
    }
    throw error;
  }
  rememberSource(path, text);
  const document = parseJson(text, path, 'the baseline is not valid JSON');
  const at = (docPath: DocPath) => ({ file: path, path: docPath });
  const need = (ok: boolean, message: string, docPath: DocPath) => {
    if (!ok) throw new UserError('baseline', `not a merge-summary baseline: ${message} (write one with "merge-summary SPEC --json > ${path}" or "check --write-baseline")`, at(docPath));
  };
  need(isObject(document), 'the file must hold a JSON object', []);
  const doc = document as Record<string, unknown>;
  need(doc.schema === 'merge-summary/1', `"schema" must be "merge-summary/1", not ${JSON.stringify(doc.schema)}`, doc.schema === undefined ? [] : ['schema']);
  need(isObject(doc.totals) && isCount((doc.totals as Record<string, unknown>).params), '"totals.params" must be a whole number', ['totals']);
  need(Array.isArray(doc.layers), '"layers" must be a list', ['layers']);
  const totals = doc.totals as Record<string, unknown>;
  const cost = (record: Record<string, unknown>, field: string, docPath: DocPath) => {
    if (!(field in record)) return {};
    need(record[field] === null || isCount(record[field]), `"${field}" must be a whole number or null`, docPath);
    return { [field]: record[field] as number | null };
  };
  const layers = (doc.layers as unknown[]).map((layer, i) => {
    need(isObject(layer) && typeof layer.name === 'string' && isCount(layer.params), `layer ${i + 1} needs a "name" and a whole number of "params"`, ['layers', i]);
    const { name, params } = layer as { name: string; params: number };
    return { name, params, ...cost(layer as Record<string, unknown>, 'macs', ['layers', i, 'macs']) };
  });
  return {
    source: path,
    totals: { params: totals.params as number, ...cost(totals, 'macs', ['totals', 'macs']), ...cost(totals, 'peakActivationBytes', ['totals', 'peakActivationBytes']) },
    layers,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
