import { Option, type Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { checkModel, isSpecError, type Budgets, type CheckReport, type SpecResult, type Tolerance } from '../analysis/check.js';
import { UserError } from '../core/errors.js';
import { formatCount } from '../core/numbers.js';
import { analyzeFile } from '../pipeline.js';
import { renderCheck, renderCheckMarkdown } from '../render/check.js';
import { renderJson } from '../render/json.js';
import { readBaseline } from '../readers/baseline.js';
import { describeError } from '../readers/locate.js';
import { isSavedModelFolder } from '../readers/savedmodel.js';
import { EXIT, type Io } from './io.js';
import { addCostOptions, addModelOptions, addOutputOptions, outputFormat, readOptions, terminal, writeFileAtomically, type CostOptions, type ModelOptions, type OutputOptions } from './output.js';
import { parseCount, parseOps, parseSize, parseTolerance } from './quantities.js';

interface CheckOptions extends OutputOptions, ModelOptions, CostOptions {
  maxMacs?: number;
  maxActivations?: number;
  maxParams?: number;
  maxTrainable?: number;
  maxSize?: number;
  maxLayerParams?: number;
  baseline?: string;
  baselineDir?: string;
  tolerance?: Tolerance;
  perLayer?: boolean;
  writeBaseline?: boolean;
}

const MODEL_FILE = /\.(ya?ml|json)$/i;

export function addCheckCommand(program: Command, io: Io, setStatus: (status: number) => void): void {
  addCostOptions(addModelOptions(addOutputOptions(
    program
      .command('check')
      .description('fail (exit 1) when a model is over a parameter, size, mult-adds or activation budget, or grew past its baseline')
      .argument('<specs...>', 'model specs, or folders of them')
      .addOption(new Option('--max-params <count>', 'most parameters in all (10M, 1.5B, 25_000_000, 25,000,000)').argParser((v) => parseCount(v, '--max-params')))
      .addOption(new Option('--max-trainable <count>', 'most trainable parameters').argParser((v) => parseCount(v, '--max-trainable')))
      .addOption(new Option('--max-size <size>', 'most parameter memory (40MB, 1.5GB; powers of 1024 as Keras prints)').argParser((v) => parseSize(v, '--max-size')))
      .addOption(new Option('--max-layer-params <count>', 'most parameters in any one layer').argParser((v) => parseCount(v, '--max-layer-params')))
      .addOption(new Option('--max-macs <count>', 'most mult-adds of one forward pass at the batch size (5G, 300M; powers of 1000)').argParser((v) => parseOps(v, '--max-macs')))
      .addOption(new Option('--max-activations <size>', 'most peak live activation memory of inference at the batch size (200MB; powers of 1024)').argParser((v) => parseSize(v, '--max-activations')))
      .option('--baseline <file>', 'a baseline to compare one spec with (merge-summary SPEC --json > FILE)')
      .option('--baseline-dir <dir>', 'baselines for many specs: DIR/<spec name>.json')
      .addOption(new Option('--tolerance <percent>', 'growth allowed against the baseline (default 0%)').argParser(parseTolerance))
      .option('--per-layer', 'also fail when any single layer grew more than the tolerance')
      .option('--write-baseline', 'record the baselines (to --baseline or --baseline-dir) instead of comparing'),
    ['text', 'markdown', 'json'],
  ))).action((specArgs: string[], options: CheckOptions) => {
    const format = outputFormat(options);
    const specs = expandSpecs(specArgs);
    const baselinePaths = baselineFiles(specs, options);
    const budgets: Budgets = {
      maxParams: options.maxParams,
      maxTrainable: options.maxTrainable,
      maxBytes: options.maxSize,
      maxLayerParams: options.maxLayerParams,
      ...(options.maxMacs !== undefined ? { maxMacs: options.maxMacs } : {}),
      ...(options.maxActivations !== undefined ? { maxActivations: options.maxActivations } : {}),
    };
    const hasBudget = Object.values(budgets).some((value) => value !== undefined);
    if (options.writeBaseline && !baselinePaths) {
      throw new UserError('usage', '--write-baseline needs to know where: add --baseline FILE (for one spec) or --baseline-dir DIR (for many)');
    }
    if (!hasBudget && !baselinePaths) {
      throw new UserError('usage', 'check: nothing to check against; give a budget (--max-params, --max-trainable, --max-size, --max-layer-params, --max-macs, --max-activations) or a baseline (--baseline, --baseline-dir)');
    }
    if ((options.tolerance || options.perLayer) && !baselinePaths) throw new UserError('usage', '--tolerance and --per-layer compare with a baseline; give --baseline or --baseline-dir');

    const tolerance = options.tolerance ?? parseTolerance('0%');
    // Each spec on its own: one that cannot be read or has no baseline is an
    // error line of the report, and every other spec is still checked.
    const results: SpecResult[] = specs.map((spec, i) => {
      try {
        const summary = analyzeFile(spec, { ...readOptions(options), merges: Boolean(options.writeBaseline), batchSize: options.batchSize });
        const baselinePath = baselinePaths?.[i];
        if (options.writeBaseline && baselinePath) {
          mkdirSync(dirname(baselinePath), { recursive: true });
          writeFileAtomically(baselinePath, renderJson(summary));
          io.stderr.write(`wrote baseline ${baselinePath} (${formatCount(summary.totals.params)} params)\n`);
        }
        const baseline = baselinePath && !options.writeBaseline ? readBaseline(baselinePath) : undefined;
        return checkModel(summary, budgets, baseline ? { baseline, tolerance, perLayer: Boolean(options.perLayer) } : undefined);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        return { spec, passed: false, error: { code: error.code, message: describeError(error) } };
      }
    });
    const errors = results.filter(isSpecError).length;
    const report: CheckReport = {
      schema: 'merge-summary-check/1',
      passed: results.every((result) => result.passed),
      budgets,
      tolerancePercent: tolerance.percent,
      perLayer: Boolean(options.perLayer),
      results,
      errors,
    };
    if (format === 'json') io.stdout.write(renderJson(report));
    else if (format === 'markdown') io.stdout.write(renderCheckMarkdown(report));
    else io.stdout.write(renderCheck(report, terminal(options, io)));
    setStatus(errors > 0 ? EXIT.error : report.passed ? EXIT.ok : EXIT.failed);
  });
}

/** Spec arguments, with each folder (other than a TensorFlow SavedModel) replaced by the model files in it. */
function expandSpecs(args: string[]): string[] {
  return args.flatMap((arg) => {
    if (arg !== '-' && existsSync(arg) && statSync(arg).isDirectory() && !isSavedModelFolder(arg)) {
      const files = readdirSync(arg).filter((name) => MODEL_FILE.test(name)).sort();
      if (files.length === 0) throw new UserError('usage', `${arg}: the folder holds no model specs (.yaml, .yml, .json)`);
      return files.map((name) => join(arg, name));
    }
    return [arg];
  });
}

/** The baseline file of each spec, or undefined when none is compared. */
function baselineFiles(specs: string[], options: CheckOptions): string[] | undefined {
  if (options.baseline && options.baselineDir) throw new UserError('usage', 'give --baseline (one spec) or --baseline-dir (many), not both');
  if (options.baseline) {
    if (specs.length !== 1) throw new UserError('usage', `--baseline compares one spec; for ${specs.length} specs use --baseline-dir`);
    return [options.baseline];
  }
  if (!options.baselineDir) return undefined;
  if (!options.writeBaseline && !existsSync(options.baselineDir)) throw new UserError('usage', `--baseline-dir: no folder ${options.baselineDir}`);
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const name = basename(spec, extname(spec));
    const other = seen.get(name);
    if (other) throw new UserError('usage', `${spec} and ${other} would share the baseline ${name}.json; give them different file names`);
    seen.set(name, spec);
    return join(options.baselineDir as string, `${name}.json`);
  });
}
