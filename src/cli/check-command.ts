import { Option, type Command } from 'commander';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { checkModel, isSpecError, type Budgets, type CheckReport, type SpecResult, type Tolerance } from '../analysis/check.js';
import { UserError } from '../core/errors.js';
import { formatCount } from '../core/numbers.js';
import { analyzeFileAsync } from '../pipeline.js';
import { renderCheck, renderCheckMarkdown } from '../render/check.js';
import { renderJson } from '../render/json.js';
import { isMadeByMergeSummary, isMergeSummaryJson } from '../render/made-by.js';
import { readBaseline } from '../readers/baseline.js';
import { prepareModelReaders } from '../readers/read.js';
import { describeError } from '../readers/locate.js';
import { isSavedModelFolder } from '../readers/savedmodel.js';
import { EXIT, type Io } from './io.js';
import { addCostOptions, addModelOptions, addOutputOptions, outputFormat, readOptions, terminal, type CostOptions, type ModelOptions, type OutputOptions } from './output.js';
import { commitWrite, planWrite, readHead, realFolder, type PlannedWrite } from './safe-write.js';
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
  force?: boolean;
}

/** The files of a folder that are taken as models: specs, Keras and TF.js JSON, Keras .h5 and .keras files (never a Keras 3 weights file, which Keras names *.weights.h5). */
const MODEL_FILE = /\.(ya?ml|json|h5|hdf5|keras)$/i;
const WEIGHTS_FILE = /\.weights\.h5$/i;

export function addCheckCommand(program: Command, io: Io, setStatus: (status: number) => void): void {
  addCostOptions(addModelOptions(addOutputOptions(
    program
      .command('check')
      .description('fail (exit 1) when a model is over a parameter, size, mult-adds or activation budget, or grew past its baseline')
      .argument('<specs...>', 'models (specs, Keras and TF.js files, SavedModel folders), or folders of them (their .yaml, .yml, .json, .h5, .hdf5 and .keras files and SavedModel folders)')
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
      .option('--write-baseline', 'record the baselines (to --baseline or --baseline-dir) instead of comparing')
      .option('--force', 'let --write-baseline replace an existing file that is not a merge-summary baseline'),
    ['text', 'markdown', 'json'],
  ))).action(async (specArgs: string[], options: CheckOptions) => {
    const format = outputFormat(options);
    if (options.writeBaseline && !options.baseline && !options.baselineDir) {
      throw new UserError('usage', '--write-baseline needs to know where: add --baseline FILE (for one spec) or --baseline-dir DIR (one DIR/<spec name>.json per spec)');
    }
    const specs = expandSpecs(specArgs);
    // The .h5 and .keras files a folder held were not among the arguments the HDF5 library was loaded for.
    await prepareModelReaders(specs);
    const baselinePaths = baselineFiles(specs, options);
    if (options.writeBaseline && options.baselineDir) refuseCheckedFolder(options.baselineDir, specArgs);
    // Every write is checked before any work, so that none is half done: no baseline may replace a spec or a user's file.
    const plans = options.writeBaseline && baselinePaths ? planBaselines(baselinePaths, specs, options) : undefined;
    const budgets: Budgets = {
      maxParams: options.maxParams,
      maxTrainable: options.maxTrainable,
      maxBytes: options.maxSize,
      maxLayerParams: options.maxLayerParams,
      ...(options.maxMacs !== undefined ? { maxMacs: options.maxMacs } : {}),
      ...(options.maxActivations !== undefined ? { maxActivations: options.maxActivations } : {}),
    };
    const hasBudget = Object.values(budgets).some((value) => value !== undefined);
    if (!hasBudget && !baselinePaths) {
      throw new UserError('usage', 'check: nothing to check against; give a budget (--max-params, --max-trainable, --max-size, --max-layer-params, --max-macs, --max-activations) or a baseline (--baseline, --baseline-dir)');
    }
    if ((options.tolerance || options.perLayer) && !baselinePaths) throw new UserError('usage', '--tolerance and --per-layer compare with a baseline; give --baseline or --baseline-dir');

    const tolerance = options.tolerance ?? parseTolerance('0%');
    // Each spec on its own: one that cannot be read or has no baseline is an
    // error line of the report, and every other spec is still checked.
    const results: SpecResult[] = [];
    for (const [i, spec] of specs.entries()) {
      try {
        const summary = await analyzeFileAsync(spec, { ...readOptions(options), merges: Boolean(options.writeBaseline), batchSize: options.batchSize });
        const baselinePath = baselinePaths?.[i];
        if (plans) {
          // The folder of the baselines is made once there is one to write, as a first --write-baseline in a fresh repository needs.
          makeBaselineDir(options.baselineDir ?? dirname(plans[i].target));
          commitWrite(plans[i], renderJson(summary));
          io.stderr.write(`wrote baseline ${plans[i].path} (${formatCount(summary.totals.params)} params)\n`);
        }
        const baseline = baselinePath && !options.writeBaseline ? readBaseline(baselinePath) : undefined;
        results.push(checkModel(summary, budgets, baseline ? { baseline, tolerance, perLayer: Boolean(options.perLayer) } : undefined));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        results.push({ spec, passed: false, error: { code: error.code, message: describeError(error), ...(error.location ? { file: error.location.file } : {}) } });
      }
    }
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

/**
 * Spec arguments, with each folder (other than a TensorFlow SavedModel)
 * replaced by the model files in it: never merge-summary's own JSON
 * documents (baselines, reports), which a folder of models and baselines
 * holds too.
 */
function expandSpecs(args: string[]): string[] {
  return args.flatMap((arg) => {
    if (arg === '-' || !isFolder(arg) || isSavedModelFolder(arg)) return [arg];
    let names: string[];
    try {
      names = readdirSync(arg);
    } catch (error) {
      throw new UserError('file', `cannot read the folder: ${folderProblem(error)}`, { file: arg });
    }
    const files = names
      .sort()
      .map((name) => join(arg, name))
      .filter((file) => (MODEL_FILE.test(file) && !WEIGHTS_FILE.test(file) && !isFolder(file)) || (isFolder(file) && isSavedModelFolder(file)))
      .filter((file) => !/\.json$/i.test(file) || !isMergeSummaryJson(readHead(file, 256)));
    if (files.length === 0) throw new UserError('usage', `${arg}: the folder holds no models (.yaml, .yml, .json, .h5, .hdf5, .keras files or SavedModel folders)`);
    return files;
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function folderProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EEXIST') return 'a file of that name is in the way';
  return code ?? (error as Error).message;
}

/** --baseline-dir never writes into a folder being checked: the next check would read the baselines as models, and a name could be a model's. */
function refuseCheckedFolder(baselineDir: string, specArgs: string[]): void {
  const target = realFolder(baselineDir);
  const checked = specArgs.find((arg) => arg !== '-' && isFolder(arg) && realFolder(arg) === target);
  if (checked !== undefined) {
    throw new UserError('usage', `--baseline-dir ${baselineDir} is the folder being checked (${checked}); baselines written there would mix with the models, so give a folder of their own`);
  }
}

/** Makes the folder of the baselines, once there is something to write in it. */
function makeBaselineDir(dir: string): void {
  if (isFolder(dir)) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError('file', `cannot make the folder for the baselines: ${folderProblem(error)}`, { file: dir });
  }
}

/** Checks every baseline the run will write, before any work. */
function planBaselines(paths: string[], specs: string[], options: CheckOptions): PlannedWrite[] {
  return paths.map((path) => planWrite(path, { inputs: specs, force: Boolean(options.force), isOurs: isMadeByMergeSummary, what: 'a baseline' }));
}

/** The baseline file of each spec, or undefined when none is compared. */
function baselineFiles(specs: string[], options: CheckOptions): string[] | undefined {
  if (options.baseline && options.baselineDir) throw new UserError('usage', 'give --baseline (one spec) or --baseline-dir (many), not both');
  if (options.baseline) {
    if (specs.length !== 1) throw new UserError('usage', `--baseline compares one spec; for ${specs.length} specs use --baseline-dir`);
    return [options.baseline];
  }
  if (!options.baselineDir) return undefined;
  if (!options.writeBaseline && !isFolder(options.baselineDir)) throw new UserError('usage', `--baseline-dir: no folder ${options.baselineDir}`);
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const name = basename(spec, extname(spec));
    const other = seen.get(name);
    if (other) throw new UserError('usage', `${spec} and ${other} would share the baseline ${name}.json; give them different file names`);
    seen.set(name, spec);
    return join(options.baselineDir as string, `${name}.json`);
  });
}
