import { createRequire } from 'node:module';
import { Option, type Command } from 'commander';
import { mergeId } from '../analysis/merges.js';
import { profileReport } from '../analysis/profile.js';
import type { ModelSummary } from '../analysis/types.js';
import { UserError, suggest } from '../core/errors.js';
import { checkProfileFits, profileModels } from '../model/profile.js';
import { buildWithSwap } from '../model/swap-build.js';
import { analyzeModel, buildSource, readBoundedModel } from '../pipeline.js';
import { displayName } from '../readers/read.js';
import { renderJson } from '../render/json.js';
import { renderProfile } from '../render/profile.js';
import type { Io, OutputStream } from './io.js';
import { addCostOptions, addModelOptions, addOutputOptions, outputFormat, readOptions, terminal, type CostOptions, type ModelOptions, type OutputOptions } from './output.js';

const require = createRequire(import.meta.url);

interface ProfileOptions extends OutputOptions, ModelOptions, CostOptions {
  swap?: string;
  runs: number;
  warmup: number;
}

/** `merge-summary profile MODEL`: the model run for real, timed as a whole and layer by layer; with --swap, the same with one merge swapped. */
export function addProfileCommand(program: Command, io: Io): void {
  addCostOptions(
    addModelOptions(
      addOutputOptions(
        program
          .command('profile')
          .description('run the model on the best tfjs kernel backend with random weights and measure it: latency, per-layer time, throughput, tensor memory')
          .argument('<model>', 'a model: spec (YAML), Keras or TF.js file')
          .option('--swap <merge>', 'also measure the same model with this merge swapped (Concatenate ↔ Add, others → Concatenate), side by side')
          .addOption(new Option('--runs <n>', 'timed runs, and layer-by-layer passes, after the warm-up').default(10).argParser((v) => wholeNumber(v, '--runs', 1)))
          .addOption(new Option('--warmup <n>', 'untimed runs first (kernels compiled, memory allocated)').default(2).argParser((v) => wholeNumber(v, '--warmup', 0))),
      ),
    ),
  ).action(async (path: string, options: ProfileOptions) => {
    const format = outputFormat(options);
    const batchSize = options.batchSize ?? 1;
    const read = readOptions(options);
    const source = readBoundedModel(path, read);
    const built = buildSource(source, read);
    const summary = analyzeModel(built, { merges: options.swap !== undefined, batchSize });
    refuseUnverified(summary);
    const models = [{ name: summary.name, built, summary }];
    let swap: { merge: string; as: string } | undefined;
    if (options.swap !== undefined) {
      const ids = summary.merges.map(mergeId);
      const merge = summary.merges[ids.indexOf(options.swap)];
      if (!merge) {
        const known = ids.length === 0 ? 'the model has no merge layers' : `its merges are ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', …' : ''}`;
        throw new UserError('usage', `--swap: no merge layer "${options.swap}"${suggest(options.swap, ids)}; ${known}`);
      }
      const alt = merge.alternative;
      if (!alt.possible) throw new UserError('usage', `--swap ${options.swap}: ${alt.type ? `as ${alt.type} the model cannot be built: ${alt.reason}` : alt.reason}`);
      const swappedBuilt = buildWithSwap(source, merge, { allowUnknown: Boolean(read.allowUnknown) });
      const swappedSummary = analyzeModel(swappedBuilt, { merges: false, batchSize });
      swap = { merge: options.swap, as: alt.type };
      models.push({ name: `${summary.name} as ${alt.type}`, built: swappedBuilt, summary: swappedSummary });
    }
    checkProfileFits(
      models.map(({ name, summary: s }) => ({ name, weightBytes: s.totals.bytes, activationBytes: activationEstimate(s, path) })),
      batchSize,
      io.env,
    );
    const progress = progressBar(io.stderr);
    let facts;
    try {
      facts = await profileModels(models, { batchSize, warmup: options.warmup, runs: options.runs, env: io.env, onProgress: progress?.update });
    } finally {
      progress?.stop();
    }
    const report = profileReport(facts, models.map((m) => m.summary), swap);
    if (format === 'json') io.stdout.write(renderJson(report));
    else io.stdout.write(renderProfile(report, terminal(options, io)));
  });
}

function wholeNumber(value: string, option: string, least: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < least) throw new UserError('usage', `${option} takes a whole number of at least ${least}, not "${value}"`);
  return n;
}

/** A layer of unknown class has no computation to run. */
function refuseUnverified(summary: ModelSummary): void {
  const unknown = summary.layers.find((layer) => layer.unverified);
  if (unknown) throw new UserError('unknown-class', `profile runs every layer, and layer "${unknown.name}" (${unknown.type}) is of a class whose computation is unknown`);
}

/** The activations the memory check counts: the peak of live activations; unknown when a size is. */
function activationEstimate(summary: ModelSummary, path: string): number {
  const peak = summary.totals.peakActivationBytes;
  if (typeof peak === 'number') return peak;
  throw new UserError('usage', `profile needs every tensor's size: ${summary.totals.peakActivationBytesWhy ?? 'a size is unknown'}`, { file: displayName(path) });
}

/** A progress bar on standard error while the runs go, on a terminal only (cli-progress, loaded only then). */
function progressBar(stderr: OutputStream): { update: (done: number, total: number) => void; stop: () => void } | undefined {
  if (!stderr.isTTY) return undefined;
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar(
    { stream: stderr as unknown as NodeJS.WritableStream, format: 'profiling {bar} {value}/{total} runs', clearOnComplete: true, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
