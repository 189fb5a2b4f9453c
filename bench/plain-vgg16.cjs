// VGG16 the plain way: tfjs-layers with real, randomly initialised weights
// on tfjs's CPU backend, then model.summary(). What merge-summary avoids.
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

tf.setBackend('cpu').then(() => {
  const model = tfl.sequential();
  model.add(tfl.layers.inputLayer({ inputShape: [224, 224, 3] }));
  [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]].forEach(([filters, convs]) => {
    for (let i = 0; i < convs; i++) model.add(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 4096, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 4096, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 1000, activation: 'softmax' }));
  model.summary();
  if (model.countParams() !== 138357544) throw new Error(`VGG16 has ${model.countParams()} params`);
});
