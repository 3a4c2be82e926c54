// TensorFlow.js side of bench/compare.py: trains and runs one model on random data and prints JSON.
// Usage: node train_bench.js MODEL BACKEND [N_TRAIN] [BATCH] [REPEATS]
//   MODEL: mlp (784-128-10), cnn (small CNN on 28x28x1), lenet (LeNet-like on 32x32x3)
//   BACKEND: cpu | wasm
// One epoch of warm-up, then REPEATS timed epochs; the median is reported by the Python side.
const path = require("path");
const tf = require("@tensorflow/tfjs");

function build(name) {
  const m = tf.sequential();
  if (name === "mlp") {
    m.add(tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }));
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    return [m, [784]];
  }
  if (name === "cnn") {
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    return [m, [28, 28, 1]];
  }
  if (name === "lenet") {
    m.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 6, kernelSize: 5, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 120, activation: "relu" }));
    m.add(tf.layers.dense({ units: 84, activation: "relu" }));
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    return [m, [32, 32, 3]];
  }
  throw new Error(`unknown model ${name}`);
}

async function main() {
  const [model = "mlp", backend = "cpu", nArg = "2048", bArg = "64", rArg = "3"] = process.argv.slice(2);
  const n = parseInt(nArg, 10), batch = parseInt(bArg, 10), repeats = parseInt(rArg, 10);
  if (backend === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), path.sep));
  }
  await tf.setBackend(backend);
  await tf.ready();
  const [m, shape] = build(model);
  m.compile({ optimizer: tf.train.adam(0.001), loss: "sparseCategoricalCrossentropy" });
  const x = tf.randomNormal([n, ...shape]);
  const y = tf.randomUniform([n], 0, 10, "int32").cast("float32");
  const out = { model, backend, n, batch, train: [], infer: [], error: null };
  try {
    await m.fit(x, y, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });  // warm-up
    for (let r = 0; r < repeats; r++) {
      const t0 = process.hrtime.bigint();
      await m.fit(x, y, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });
      out.train.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
  } catch (e) {
    out.error = String(e.message || e).split("\n")[0];
  }
  m.predict(x, { batchSize: batch }).dataSync();  // warm-up
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    m.predict(x, { batchSize: batch }).dataSync();
    out.infer.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.log(JSON.stringify({ error: String(e.message || e) })); process.exit(1); });
