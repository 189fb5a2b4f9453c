// VGG16 the plain way: tfjs-layers with real, randomly initialised weights
// on tfjs's CPU backend, then model.summary(). What merge-summary avoids.
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
const vgg16 = require('./vgg16-tfjs.cjs');

tf.setBackend('cpu').then(() => {
  const model = vgg16(tfl);
  model.summary();
  if (model.countParams() !== 138357544) throw new Error(`VGG16 has ${model.countParams()} params`);
});
