import type { Command } from 'commander';
import { explainMerges } from '../analysis/explain.js';
import { UserError, suggest } from '../errors.js';
import { analyzeFile } from '../pipeline.js';
import { renderExplanation } from '../render/explain.js';
import { renderJson } from '../render/json.js';
import { renderMergeImpact, type MergeSelection } from '../render/merge-impact.js';
import { renderSummary } from '../render/table.js';
import { addOutputOptions, outputFormat, terminal, write, type OutputOptions } from './output.js';

interface SummaryOptions extends OutputOptions {
  merges?: string;
  explain?: boolean;
  expandNested?: boolean;
  allowUnknown?: boolean;
  weights?: string;
}

export function addSummaryCommand(program: Command, versionText: () => string): void {
  addOutputOptions(
    program
      .command('summary', { isDefault: true })
      .description('print the summary table of a model and what each merge does (the default command)')
      .argument('[model]', 'a model: spec (YAML), Keras to_json / config.json, .h5, .keras archive, SavedModel folder, TF.js model.json; - for standard input')
      .option('--merges <names>', 'show these merges in full in "Merge impact" (comma-separated names, or all)')
      .option('--explain', 'add a worked example of each merge type in the model, computed with tfjs kernels')
      .option('--expand-nested', 'show the layers of models used as layers, as Keras does with expand_nested')
      .option('--allow-unknown', 'take layers of unknown classes (Lambda, custom) as shape-preserving, marked unverified')
      .option('--weights <file>', 'check the model\'s layers against a weights file (save_weights .h5, .weights.h5, TF.js model.json or manifest)'),
  ).action(async (model: string | undefined, options: SummaryOptions) => {
    if (program.opts().version) {
      write(versionText());
      return;
    }
    if (model === undefined) throw new UserError('no model given; usage: merge-summary MODEL.yaml (see --help)');
    const format = outputFormat(options);
    const summary = analyzeFile(model, { allowUnknown: options.allowUnknown, weights: options.weights });
    const selection = mergeSelection(options.merges, summary.merges.map((merge) => merge.name));
    for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
    const explanation = options.explain ? await explainMerges(summary) : undefined;
    if (format === 'json') {
      write(renderJson(explanation ? { ...summary, explanation } : summary));
      return;
    }
    const view = terminal(options);
    const sections = [renderSummary(summary, { ...view, expandNested: Boolean(options.expandNested) }), renderMergeImpact(summary, selection, view)];
    if (explanation) sections.push(renderExplanation(explanation, view));
    write(sections.filter(Boolean).join('\n'));
  });
}

function mergeSelection(option: string | undefined, names: string[]): MergeSelection {
  if (option === undefined) return { kind: 'default' };
  if (option === 'all') return { kind: 'all' };
  const wanted = option.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!names.includes(name)) {
      const known = names.length === 0 ? 'the model has no merge layers' : `its merges are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
      throw new UserError(`--merges: no merge layer "${name}"${suggest(name, names)}; ${known}`);
    }
  }
  return { kind: 'named', names: wanted };
}
