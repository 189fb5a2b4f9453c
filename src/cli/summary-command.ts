import type { Command } from 'commander';
import { mergeId } from '../analysis/merges.js';
import { UserError, suggest } from '../core/errors.js';
import { explainMerges } from '../model/explain.js';
import { analyzeFile } from '../pipeline.js';
import { renderExplanation } from '../render/explain.js';
import { renderJson } from '../render/json.js';
import { renderMergeImpact, type MergeSelection } from '../render/merge-impact.js';
import { renderSummary } from '../render/table.js';
import type { Io } from './io.js';
import { addModelOptions, addOutputOptions, outputFormat, readOptions, terminal, type ModelOptions, type OutputOptions } from './output.js';

interface SummaryOptions extends OutputOptions, ModelOptions {
  merges?: string;
  explain?: boolean;
  expandNested?: boolean;
}

export function addSummaryCommand(program: Command, io: Io): void {
  addModelOptions(
    addOutputOptions(
      program
        .command('summary', { isDefault: true })
        .description('print the summary table of a model and what each merge does (the default command)')
        .argument('[model]', 'a model: spec (YAML), Keras to_json / config.json, .keras archive, TF.js model.json; - for standard input')
        .option('--merges <names>', 'show these merges in full in "Merge impact" (comma-separated names, or all)')
        .option('--explain', 'add a worked example of each merge type in the model, computed with tfjs kernels')
        .option('--expand-nested', 'show the layers of models used as layers, as Keras does with expand_nested'),
    ),
  ).action(async (model: string | undefined, options: SummaryOptions) => {
    if (model === undefined) throw new UserError('usage', 'no model given; usage: merge-summary MODEL.yaml (see --help)');
    const format = outputFormat(options);
    const summary = analyzeFile(model, readOptions(options));
    const selection = mergeSelection(options.merges, summary.merges.map(mergeId));
    for (const warning of summary.warnings) io.stderr.write(`warning: ${warning.message}\n`);
    const explanation = options.explain ? await explainMerges(summary.merges.map((merge) => merge.type), io.env) : undefined;
    if (format === 'json') {
      io.stdout.write(renderJson(explanation ? { ...summary, explanation } : summary));
      return;
    }
    const view = terminal(options, io);
    const sections = [renderSummary(summary, { ...view, expandNested: Boolean(options.expandNested) }), renderMergeImpact(summary, selection, view)];
    if (explanation) sections.push(renderExplanation(explanation, view));
    io.stdout.write(sections.filter(Boolean).join('\n'));
  });
}

function mergeSelection(option: string | undefined, names: string[]): MergeSelection {
  if (option === undefined) return { kind: 'default' };
  if (option === 'all') return { kind: 'all' };
  const wanted = option.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!names.includes(name)) {
      const known = names.length === 0 ? 'the model has no merge layers' : `its merges are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
      throw new UserError('usage', `--merges: no merge layer "${name}"${suggest(name, names)}; ${known}`);
    }
  }
  return { kind: 'named', names: wanted };
}
