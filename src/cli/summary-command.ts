import { displayWidth } from '../render/layout.js';
import { Option, type Command } from 'commander';
import { mergeId } from '../analysis/merges.js';
import { UserError, shortenQuoted, suggest } from '../core/errors.js';
import { explainMerges } from '../model/explain.js';
import { analyzeFileAsync } from '../pipeline.js';
import { renderExplanation } from '../render/explain.js';
import { renderJson } from '../render/json.js';
import { resolveLayerRange } from '../render/layer-range.js';
import { renderMergeImpact, renderMergeImpactMarkdown, type MergeSelection } from '../render/merge-impact.js';
import { renderSummary, renderSummaryMarkdown, type CostColumn, type SummaryView } from '../render/table.js';
import type { Io } from './io.js';
import { addCostOptions, addModelOptions, addOutputOptions, outputFormat, parseDepth, readOptions, terminal, type CostOptions, type Format, type ModelOptions, type OutputOptions } from './output.js';
import { largest } from '../core/lists.js';

interface SummaryOptions extends OutputOptions, ModelOptions, CostOptions {
  columns?: CostColumn[];
  merges?: string;
  explain?: boolean;
  expandNested?: boolean;
  showTrainable?: boolean;
  layerRange?: string;
  depth?: number;
  weights?: string;
}

export function addSummaryCommand(program: Command, io: Io): void {
  addCostOptions(addModelOptions(
    addOutputOptions(
      program
        .command('summary', { isDefault: true })
        .description('print the summary table of a model and what each merge does (the default command)')
        .argument('[model]', 'a model: spec (YAML), Keras to_json / config.json, .h5, .keras archive, SavedModel folder, TF.js model.json; - for standard input')
        .option('--merges <names>', 'show these merges in full in "Merge impact" (comma-separated names, MODEL/NAME inside a nested model), all, or none (no "Merge impact")')
        .option('--explain', 'add a worked example of each merge type in the model, computed with tfjs kernels')
        .option('--show-trainable', 'a Trainable column: Y or N for a layer with weights, - without (Keras\'s show_trainable)')
        .option('--layer-range <first:last>', 'only the layers from FIRST to LAST, by name (Keras\'s layer_range)')
        .option('--depth <n>', 'levels of rows: 1 the model\'s own layers (default), 2 also the layers of models used as layers, ...', parseDepth)
        .option('--expand-nested', 'show the layers of models used as layers at every depth, as Keras does with expand_nested')
        .option('--weights <file>', 'check the model\'s layers against a weights file (save_weights .h5, .weights.h5, TF.js model.json or manifest)')
        .addOption(new Option('--columns <names>', 'add cost columns after "Param #": macs (mult-adds), activations (bytes of each layer\'s output), comma-separated').argParser(parseColumns)),
      ['text', 'markdown', 'json'],
    ),
  )).action(async (model: string | undefined, options: SummaryOptions) => {
    if (model === undefined) throw new UserError('usage', 'no model given; usage: merge-summary MODEL.yaml (see --help)');
    const format = outputFormat(options);
    const summary = await analyzeFileAsync(model, { ...readOptions(options), weights: options.weights, batchSize: options.batchSize });
    const selection = mergeSelection(options.merges, summary.merges.map(mergeId));
    const view = summaryView(options, summary.layers.map((layer) => layer.name), format);
    for (const warning of summary.warnings) io.stderr.write(`warning: ${shortenQuoted(warning.message)}\n`);
    const explanation = options.explain ? await explainMerges(summary.merges.map((merge) => merge.type), io.env) : undefined;
    if (format === 'json') {
      io.stdout.write(renderJson(explanation ? { ...summary, explanation } : summary));
      return;
    }
    if (format === 'markdown') {
      io.stdout.write([renderSummaryMarkdown(summary, view), renderMergeImpactMarkdown(summary, selection)].filter(Boolean).join('\n'));
      return;
    }
    const screen = terminal(options, io);
    const sections = [renderSummary(summary, { ...screen, ...view }), renderMergeImpact(summary, selection, screen)];
    if (explanation) sections.push(renderExplanation(explanation, screen));
    const text = sections.filter(Boolean).join('\n');
    io.stdout.write(text);
    const widest = largest(text.split('\n').map((line) => displayWidth(line.replace(ANSI_STYLE, ''))));
    // A column is never narrower than its heading's longest word ("Concatenate"), and prose wraps only at
    // spaces: a table still too wide after cutting its entries with "…" says so, rather than a silently wider output.
    if (widest > screen.width) io.stderr.write(`note: the output needs ${widest} columns, more than the ${screen.width} it was given: entries were cut with "…", but a column is never narrower than its heading's longest word\n`);
  });
}

const ANSI_STYLE = /\x1b\[[0-9;]*m/g;

function mergeSelection(option: string | undefined, names: string[]): MergeSelection {
  if (option === undefined) return { kind: 'default' };
  if (option === 'all') return { kind: 'all' };
  if (option === 'none') return { kind: 'none' };
  const wanted = option.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!names.includes(name)) {
      const known = names.length === 0 ? 'the model has no merge layers' : `its merges are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
      throw new UserError('usage', `--merges: no merge layer "${name}"${suggest(name, names)}; ${known}`);
    }
  }
  return { kind: 'named', names: wanted };
}

/** Keras's summary options, checked against the model; the table's rows are not --json's, which has every layer. */
function summaryView(options: SummaryOptions, names: string[], format: Format): SummaryView {
  if (options.depth !== undefined && options.expandNested) throw new UserError('usage', '--depth and --expand-nested disagree; give one (--expand-nested is every depth)');
  if (format === 'json' && (options.layerRange !== undefined || options.depth !== undefined)) {
    throw new UserError('usage', `${options.layerRange !== undefined ? '--layer-range' : '--depth'} chooses the rows of the table; --json always has every layer, nested ones under "nested"`);
  }
  const range = options.layerRange === undefined ? undefined : resolveLayerRange(options.layerRange, names);
  if (range && 'error' in range) throw new UserError('usage', range.error);
  if (format === 'json' && options.columns !== undefined) throw new UserError('usage', '--columns chooses the columns of the table; --json always has every layer\'s "macs" and "activationBytes"');
  return { depth: options.expandNested ? Infinity : options.depth, showTrainable: Boolean(options.showTrainable), layerRange: range, columns: options.columns };
}

/** The names --columns takes, with the names torchinfo's col_names gives them. */
const COLUMN_NAMES: Record<string, CostColumn> = {
  macs: 'macs', 'mult-adds': 'macs', mult_adds: 'macs',
  activations: 'activations', activation_bytes: 'activations', output_bytes: 'activations',
};

function parseColumns(value: string): CostColumn[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new UserError('usage', '--columns takes a comma-separated list of macs, activations');
  const columns: CostColumn[] = [];
  for (const name of names) {
    const column = COLUMN_NAMES[name];
    if (!column) throw new UserError('usage', `--columns: no column "${name}"${suggest(name, Object.keys(COLUMN_NAMES))}; the cost columns are macs and activations (Keras's own columns are always shown)`);
    if (!columns.includes(column)) columns.push(column);
  }
  return columns;
}
