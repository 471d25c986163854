/**
 * The demo's trainer, in a module Web Worker so the page stays responsive:
 * the documentation's classifier (784 → 128 → ReLU → 10, CrossEntropyLoss,
 * Adam lr 1e-3, batches of 64) on the MNIST digits of build/mnist.bin
 * (written by build_data.ts: 8,000 to train, 2,000 held out).
 *
 * Training runs in slices of ~60 ms; between slices the worker reports the
 * new losses and the speed, and answers messages (pause, switch backend,
 * predict a drawn digit). Yielding to the event loop also lets the
 * FinalizationRegistry free the step's temporaries. A run stops by itself
 * after the number of epochs `start` asked for (the example trains 10);
 * `start` again continues with as many more.
 *
 * Messages in:  {type: "start", epochs} | pause | reset | {type: "backend", name} | {type: "predict", pixels: Float32Array(784)}
 * Messages out: ready | progress | accuracy | prediction | error
 */
import * as nx from "../../dist/neurenix.js";

const SLICE_MS = 60;
const EVAL_EVERY = 125; // steps between held-out evaluations (one epoch of 8,000 is 125 steps)

let data = null; // { trainX, trainY, testPixels, testLabels, train, test }
let model = null;
let optimizer = null;
let loader = null;
let batches = null; // the current epoch's iterator
let criterion = null;
let step = 0;
let stepsPerEpoch = 0; // the loader's batches per epoch
/** The run in progress stops when `step` reaches this (a whole number of epochs). */
let stopAtStep = 0;
/** Where the current run started: a changed epoch count applies from there when a paused run resumes. */
let runStartStep = 0;
let running = false;
let timer = null;
/** Steps and time per backend, for steps/s over the recent past. */
const speed = { "wasm-simd": { steps: 0, ms: 0 }, js: { steps: 0, ms: 0 } };

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

async function loadData() {
  const bytes = new Uint8Array(await (await fetch(new URL("./build/mnist.bin", import.meta.url))).arrayBuffer());
  const view = new DataView(bytes.buffer);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== "NXMN") throw new Error("build/mnist.bin: not a digits file (run npm run demo)");
  const count = view.getUint32(4, true);
  const train = view.getUint32(8, true);
  const pixels = view.getUint32(12, true);
  const labels = bytes.subarray(16, 16 + count);
  const images = bytes.subarray(16 + count, 16 + count + count * pixels);
  const floats = (from, to) => {
    const out = new Float32Array((to - from) * pixels);
    for (let i = 0; i < out.length; i++) out[i] = images[from * pixels + i] / 255;
    return out;
  };
  const test = count - train;
  return {
    trainX: new nx.Tensor(floats(0, train), { shape: [train, pixels] }),
    trainY: new nx.Tensor(Float32Array.from(labels.subarray(0, train)), { shape: [train] }),
    // Plain memory, not a Tensor: a view of the wasm heap would be detached
    // if making a batch tensor from it grew the heap.
    testPixels: floats(train, count),
    testLabels: labels.subarray(train),
    train,
    test,
  };
}

function reset() {
  nx.manualSeed(0);
  model = new nx.Sequential(new nx.Linear(784, 128), new nx.ReLU(), new nx.Linear(128, 10));
  optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
  criterion = new nx.CrossEntropyLoss();
  loader = new nx.data.DataLoader(new nx.data.TensorDataset(data.trainX, data.trainY), { batchSize: 64, shuffle: true, seed: 0 });
  batches = null;
  step = 0;
  stepsPerEpoch = loader.length;
  stopAtStep = 0;
  runStartStep = 0;
  for (const s of Object.values(speed)) Object.assign(s, { steps: 0, ms: 0 });
}

function nextBatch() {
  for (;;) {
    if (batches === null) batches = loader[Symbol.iterator]();
    const next = batches.next();
    if (!next.done) return next.value;
    batches = null;
  }
}

/** Held-out accuracy, in batches, without recording the graph. */
function accuracy() {
  let correct = 0;
  nx.noGrad(() => {
    model.eval();
    for (let from = 0; from < data.test; from += 500) {
      const n = Math.min(500, data.test - from);
      const x = new nx.Tensor(data.testPixels.subarray(from * 784, (from + n) * 784), { shape: [n, 784] });
      const logits = model(x).data;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
        if (best === data.testLabels[from + i]) correct++;
      }
    }
    model.train();
  });
  return correct / data.test;
}

function trainSlice() {
  timer = null;
  if (!running) return;
  const backend = nx.backend();
  const losses = [];
  const t0 = performance.now();
  while (performance.now() - t0 < SLICE_MS) {
    const [x, y] = nextBatch();
    optimizer.zeroGrad();
    const loss = criterion(model(x), y);
    losses.push(loss.item());
    loss.backward();
    optimizer.step();
    step++;
    const done = step >= stopAtStep;
    if (done) running = false;
    if (step % EVAL_EVERY === 0 || done) {
      speedAdd(backend, losses.length, performance.now() - t0);
      post({ type: "progress", ...progress(losses) });
      post({ type: "accuracy", step, accuracy: accuracy() });
      if (!done) timer = setTimeout(trainSlice, 0);
      return;
    }
  }
  speedAdd(backend, losses.length, performance.now() - t0);
  post({ type: "progress", ...progress(losses) });
  timer = setTimeout(trainSlice, 0);
}

function speedAdd(backend, steps, ms) {
  const s = speed[backend];
  // Exponential forgetting: steps/s follows the last few seconds, so a switch shows quickly.
  const keep = Math.exp(-ms / 3000);
  s.steps = s.steps * keep + steps;
  s.ms = s.ms * keep + ms;
}

function progress(losses) {
  const stepsPerSecond = {};
  for (const [name, s] of Object.entries(speed)) stepsPerSecond[name] = s.ms > 0 ? (1000 * s.steps) / s.ms : null;
  return {
    step,
    epoch: step / stepsPerEpoch, // epochs done, with the fraction of the current one
    stopAtEpoch: stopAtStep / stepsPerEpoch,
    stopAtStep,
    finished: !running && step > 0 && step >= stopAtStep,
    losses,
    backend: nx.backend(),
    stepsPerSecond,
    running,
  };
}

function predict(pixels) {
  const probs = nx.noGrad(() => {
    model.eval();
    const p = model(new nx.Tensor(pixels, { shape: [1, 784] })).softmax(1).data.slice();
    model.train();
    return p;
  });
  post({ type: "prediction", probs, step }, [probs.buffer]);
}

const handlers = {
  start({ epochs }) {
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`start: epochs must be a whole number ≥ 1, got ${epochs}`);
    if (step >= stopAtStep) runStartStep = step; // a new run, not a resumed one
    stopAtStep = runStartStep + epochs * stepsPerEpoch;
    if (step >= stopAtStep) return post({ type: "progress", ...progress([]) }); // already there
    running = true;
    if (timer === null) timer = setTimeout(trainSlice, 0);
    post({ type: "progress", ...progress([]) });
  },
  pause() {
    running = false;
    post({ type: "progress", ...progress([]) });
  },
  reset() {
    running = false; // a fresh model waits for Train
    reset();
    post({ type: "progress", ...progress([]), reset: true });
  },
  backend({ name }) {
    nx.setBackend(name);
    post({ type: "progress", ...progress([]) });
  },
  predict({ pixels }) {
    predict(pixels);
  },
};

const ready = (async () => {
  data = await loadData();
  reset();
  let wasmSimd = true;
  const initial = nx.backend();
  try {
    nx.setBackend("wasm-simd");
  } catch {
    wasmSimd = false;
  }
  nx.setBackend(initial);
  post({ type: "ready", backend: initial, wasmSimd, train: data.train, test: data.test, accuracy: accuracy() });
})();

self.onmessage = async (event) => {
  try {
    await ready;
    handlers[event.data.type](event.data);
  } catch (e) {
    post({ type: "error", message: String(e?.stack ?? e) });
  }
};

ready.catch((e) => post({ type: "error", message: String(e?.stack ?? e) }));
