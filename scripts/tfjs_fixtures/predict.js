// Run a TF.js Layers model folder on inputs: node predict.js MODEL_DIR INPUTS.json
// INPUTS.json holds {"input": nested array (batch first, channels last)}; prints {"output": ...}.
const fs = require('fs');
const { tf, loadModel } = require('./tfjs_io');

(async () => {
  const [dir, inputs] = process.argv.slice(2);
  const model = await loadModel(dir);
  const x = tf.tensor(JSON.parse(fs.readFileSync(inputs, 'utf8')).input);
  const y = model.predict(x);
  process.stdout.write(JSON.stringify({ output: await y.array() }) + '\n');
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
