// Run TF.js Layers model folders on inputs, in one Node process:
//   node predict.js JOBS.json     JOBS.json: [{"dir": MODEL_DIR, "input": nested array (batch first)}, ...]
// Prints one JSON list with {"output": ...} or {"error": "..."} per job. Token inputs must be integers
// (the model's input dtype is read from model.json).
const fs = require('fs');
const path = require('path');
const { tf, loadModel } = require('./tfjs_io');

async function run(job) {
  try {
    const model = await loadModel(job.dir);
    const json = JSON.parse(fs.readFileSync(path.join(job.dir, 'model.json'), 'utf8'));
    const first = json.modelTopology.config.layers[0].config;
    const x = tf.tensor(job.input, undefined, first.dtype === 'int32' ? 'int32' : 'float32');
    const y = model.predict(x);
    return { output: await y.array() };
  } catch (e) {
    return { error: String(e.stack || e) };
  }
}

(async () => {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const job of jobs) results.push(await run(job));
  process.stdout.write(JSON.stringify(results) + '\n');
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
