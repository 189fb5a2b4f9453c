import { Option, type Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { checkModel, type Budgets, type CheckReport, type Tolerance } from '../analysis/check.js';
import { UserError } from '../errors.js';
import { analyzeFile } from '../pipeline.js';
import { renderCheck, renderCheckMarkdown } from '../render/check.js';
import { renderJson } from '../render/json.js';
import { formatCount } from '../render/numbers.js';
import { readBaseline } from '../spec/baseline.js';
import { isSavedModelFolder } from '../spec/savedmodel.js';
import { EXIT, addOutputOptions, outputFormat, terminal, write, writeFileAtomically, type OutputOptions } from './output.js';
import { parseCount, parseSize, parseTolerance } from './quantities.js';

interface CheckOptions extends OutputOptions {
  maxParams?: number;
  maxTrainable?: number;
  maxSize?: number;
  maxLayerParams?: number;
  baseline?: string;
  baselineDir?: string;
  tolerance?: Tolerance;
  perLayer?: boolean;
  writeBaseline?: boolean;
  allowUnknown?: boolean;
}

const MODEL_FILE = /\.(ya?ml|json)$/i;

export function addCheckCommand(program: Command, setStatus: (status: number) => void): void {
  addOutputOptions(
    program
      .command('check')
      .description('fail (exit 1) when a model is over a parameter or size budget, or grew past its baseline')
      .argument('<specs...>', 'model specs, or folders of them')
      .addOption(new Option('--max-params <count>', 'most parameters in all (10M, 1.5B, 25_000_000, 25,000,000)').argParser((v) => parseCount(v, '--max-params')))
      .addOption(new Option('--max-trainable <count>', 'most trainable parameters').argParser((v) => parseCount(v, '--max-trainable')))
      .addOption(new Option('--max-size <size>', 'most parameter memory (40MB, 1.5GB; powers of 1024 as Keras prints)').argParser((v) => parseSize(v, '--max-size')))
      .addOption(new Option('--max-layer-params <count>', 'most parameters in any one layer').argParser((v) => parseCount(v, '--max-layer-params')))
      .option('--baseline <file>', 'a baseline to compare one spec with (merge-summary SPEC --json > FILE)')
      .option('--baseline-dir <dir>', 'baselines for many specs: DIR/<spec name>.json')
      .addOption(new Option('--tolerance <percent>', 'growth allowed against the baseline (default 0%)').argParser(parseTolerance))
      .option('--per-layer', 'also fail when any single layer grew more than the tolerance')
      .option('--write-baseline', 'record the baselines (to --baseline or --baseline-dir) instead of comparing')
      .option('--allow-unknown', 'take layers of unknown classes as shape-preserving'),
    ['text', 'markdown', 'json'],
  ).action((specArgs: string[], options: CheckOptions) => {
    const format = outputFormat(options);
    const specs = expandSpecs(specArgs);
    const baselinePaths = baselineFiles(specs, options);
    const budgets: Budgets = { maxParams: options.maxParams, maxTrainable: options.maxTrainable, maxBytes: options.maxSize, maxLayerParams: options.maxLayerParams };
    const hasBudget = Object.values(budgets).some((value) => value !== undefined);
    if (!hasBudget && !baselinePaths) {
      throw new UserError('check: nothing to check against; give a budget (--max-params, --max-trainable, --max-size, --max-layer-params) or a baseline (--baseline, --baseline-dir)');
    }
    if ((options.tolerance || options.perLayer) && !baselinePaths) throw new UserError('--tolerance and --per-layer compare with a baseline; give --baseline or --baseline-dir');

    // Read every input before judging any, so bad input is exit 2 whatever else fails.
    const tolerance = options.tolerance ?? parseTolerance('0%');
    const compared = specs.map((spec, i) => {
      const summary = analyzeFile(spec, { merges: Boolean(options.writeBaseline), allowUnknown: options.allowUnknown });
      const baselinePath = baselinePaths?.[i];
      if (options.writeBaseline && baselinePath) return { summary, baselinePath };
      return { summary, baseline: baselinePath ? readBaseline(baselinePath) : undefined };
    });
    if (options.writeBaseline) {
      if (options.baselineDir) mkdirSync(options.baselineDir, { recursive: true });
      for (const { summary, baselinePath } of compared) {
        if (baselinePath) {
          writeFileAtomically(baselinePath, renderJson(summary));
          process.stderr.write(`wrote baseline ${baselinePath} (${formatCount(summary.totals.params)} params)\n`);
        }
      }
    }
    const results = compared.map(({ summary, baseline }) =>
      checkModel(summary, budgets, baseline ? { baseline, tolerance, perLayer: Boolean(options.perLayer) } : undefined),
    );
    const report: CheckReport = {
      schema: 'merge-summary-check/1',
      passed: results.every((result) => result.passed),
      budgets,
      tolerancePercent: tolerance.percent,
      perLayer: Boolean(options.perLayer),
      results,
    };
    if (format === 'json') write(renderJson(report));
    else if (format === 'markdown') write(renderCheckMarkdown(report));
    else write(renderCheck(report, terminal(options)));
    setStatus(report.passed ? EXIT.ok : EXIT.failed);
  });
}

/** Spec arguments, with each folder (other than a TensorFlow SavedModel) replaced by the model files in it. */
function expandSpecs(args: string[]): string[] {
  return args.flatMap((arg) => {
    if (arg !== '-' && existsSync(arg) && statSync(arg).isDirectory() && !isSavedModelFolder(arg)) {
      const files = readdirSync(arg).filter((name) => MODEL_FILE.test(name)).sort();
      if (files.length === 0) throw new UserError(`${arg}: the folder holds no model specs (.yaml, .yml, .json)`);
      return files.map((name) => join(arg, name));
    }
    return [arg];
  });
}

/** The baseline file of each spec, or undefined when none is compared. */
function baselineFiles(specs: string[], options: CheckOptions): string[] | undefined {
  if (options.baseline && options.baselineDir) throw new UserError('give --baseline (one spec) or --baseline-dir (many), not both');
  if (options.baseline) {
    if (specs.length !== 1) throw new UserError(`--baseline compares one spec; for ${specs.length} specs use --baseline-dir`);
    return [options.baseline];
  }
  if (!options.baselineDir) return undefined;
  if (!options.writeBaseline && !existsSync(options.baselineDir)) throw new UserError(`--baseline-dir: no folder ${options.baselineDir}`);
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const name = basename(spec, extname(spec));
    const other = seen.get(name);
    if (other) throw new UserError(`${spec} and ${other} would share the baseline ${name}.json; give them different file names`);
    seen.set(name, spec);
    return join(options.baselineDir as string, `${name}.json`);
  });
}
