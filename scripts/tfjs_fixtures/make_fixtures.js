// Produces tests/fixtures/tfjs/: small models saved by the real @tensorflow/tfjs package,
// each with inputs and TF.js's own outputs. Run: npm ci && node make_fixtures.js OUTDIR
const fs = require('fs');
const path = require('path');
const { tf, saveModel } = require('./tfjs_io');

function dense() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return [m, [5, 4]];
}

function conv() {
  // 3 channels, not square, so a wrong layout or flatten order cannot pass by accident
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [7, 6, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 5, kernelSize: [2, 3], strides: 1, activation: 'tanh', padding: 'valid' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 1 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  return [m, [3, 7, 6, 3]];
}

function rnn() {
  const m = tf.sequential();
  m.add(tf.layers.simpleRNN({ inputShape: [6, 3], units: 5, returnSequences: true }));
  m.add(tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }));
  m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  return [m, [3, 6, 3]];
}

function seqconv() {
  // a Conv1D over time reads (steps, features) as (length, channels): the importer must move axes
  const m = tf.sequential();
  m.add(tf.layers.lstm({ inputShape: [6, 3], units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }));
  m.add(tf.layers.conv1d({ filters: 3, kernelSize: 2, activation: 'relu' }));
  m.add(tf.layers.globalMaxPooling1d());
  m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  return [m, [3, 6, 3]];
}

(async () => {
  const out = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'fixtures', 'tfjs');
  const makers = { dense, conv, rnn, seqconv };
  for (const [name, make] of Object.entries(makers)) {
    const [model, shape] = make();
    // non-zero biases so that a dropped bias shows up in the comparison
    model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i)));
    const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
    const y = model.predict(x);
    const dir = path.join(out, name);
    await saveModel(model, dir);
    fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify({ input: await x.array(), output: await y.array(),
      tfjs_version: tf.version.tfjs }));
    console.log(`wrote ${dir}`);
  }
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
