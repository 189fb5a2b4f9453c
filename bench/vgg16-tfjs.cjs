// VGG16 (Keras's applications.VGG16, include_top=True) built with tfjs-layers'
// own API: the plain way the bench compares merge-summary with.
module.exports = function vgg16(tfl) {
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
  return model;
};
