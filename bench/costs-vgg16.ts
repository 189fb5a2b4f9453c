// What counting costs adds to a summary, in process: the execution facts
// (reading each call's tensors and weights off the built model) and the
// counting itself (mult-adds of every call, torchinfo's sizes, the liveness
// walk), for VGG16 and DenseNet121; the first call (cold, as in a CLI run)
// and the median of 20 after it. Run by bench/run.js with tsx.
import { performance } from 'node:perf_hooks';
import { modelCosts } from '../src/analysis/model-costs.js';
import { executionFacts } from '../src/model/execution.js';
import { extractFacts } from '../src/model/extract.js';
import type { Layer } from '../src/model/tfjs.js';
import { loadModel } from '../src/pipeline.js';

for (const spec of ['fixtures/vgg16.yaml', 'fixtures/densenet121.yaml']) {
  const built = loadModel(spec);
  const facts = extractFacts(built);
  const configs = new Map<Layer, Record<string, unknown>>();
  const configOf = (layer: Layer) => configs.get(layer) ?? (configs.set(layer, layer.getConfig() as Record<string, unknown>), configs.get(layer)!);
  const times = (work: () => unknown) => {
    const all: number[] = [];
    for (let i = 0; i < 21; i++) {
      const start = performance.now();
      work();
      all.push(performance.now() - start);
    }
    const warm = all.slice(1).sort((a, b) => a - b);
    return { first: all[0], median: warm[warm.length >> 1] };
  };
  const execution = times(() => executionFacts(built.model, configOf));
  const counting = times(() => modelCosts(facts, 0, 1));
  console.log(JSON.stringify({ spec, executionFactsMs: execution, countingMs: counting }));
}
