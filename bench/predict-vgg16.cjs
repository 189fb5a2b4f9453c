// VGG16 with plain tfjs: tfjs-layers' own layers and initialisers on a kernel
// backend (argv[2]: wasm or cpu), timed as a tfjs user times it: after
// argv[4] warm-up calls, argv[3] calls of model.predict at batch size 1, each
// with its output read back. Prints {backend, medianMs, runsMs} as JSON: the
// bench puts it beside `merge-summary profile`'s latency of the same model.
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
const vgg16 = require('./vgg16-tfjs.cjs');
const backend = process.argv[2] ?? 'wasm';
const runs = Number(process.argv[3] ?? 5);
const warmup = Number(process.argv[4] ?? 2);
require(backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu');

(async () => {
  await tf.setBackend(backend);
  const model = vgg16(tfl);
  const x = tf.randomUniform([1, 224, 224, 3]);
  const once = async () => {
    const y = model.predict(x, { batchSize: 1 });
    await y.data();
    y.dispose();
  };
  for (let i = 0; i < warmup; i++) await once();
  const runsMs = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    runsMs.push(performance.now() - start);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), medianMs, runsMs })}\n`);
})();
