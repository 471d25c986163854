/**
 * The demo page: talks to the trainer in worker.js, draws the loss curve and
 * the speed of each backend, and turns the drawing pad into a 28×28 digit the
 * way MNIST digits were made (the ink's bounding box scaled into 20×20, then
 * centered by its center of mass in 28×28) before asking for a prediction.
 */
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

const state = {
  losses: [],
  smooth: [],
  accuracy: [], // { step, accuracy }
  running: false,
  stopAtStep: 0, // where the current run ends: the chart's x-axis spans at least this
  backend: "wasm-simd",
  wasmSimd: true,
  stepsPerSecond: {},
  chartDirty: true,
};

// ---- messages from the worker -------------------------------------------

const onMessage = {
  ready(m) {
    state.backend = m.backend;
    state.wasmSimd = m.wasmSimd;
    $("data-size").textContent = `${m.train.toLocaleString("en")} MNIST digits (${m.test.toLocaleString("en")} held out)`;
    $("train").disabled = false;
    $("reset").disabled = false;
    $("train").textContent = "Train";
    $("backend-js").disabled = false;
    $("backend-wasm-simd").disabled = !m.wasmSimd;
    if (!m.wasmSimd) $("backend-wasm-simd").title = "WebAssembly SIMD128 is not available in this browser";
    state.accuracy = [{ step: 0, accuracy: m.accuracy }];
    showAccuracy();
    showBackend();
    setStatus(`Ready. Kernels: ${m.backend}${m.wasmSimd ? "" : " (no WebAssembly SIMD128 here)"}. Press Train, then draw a digit.`);
  },
  progress(m) {
    if (m.reset) {
      state.losses = [];
      state.smooth = [];
      state.accuracy = [];
      showAccuracy();
      $("loss").textContent = "–";
    }
    for (const loss of m.losses) {
      const prev = state.smooth.length ? state.smooth[state.smooth.length - 1] : loss;
      state.losses.push(loss);
      state.smooth.push(prev + 0.05 * (loss - prev));
    }
    state.backend = m.backend;
    state.running = m.running;
    state.stopAtStep = m.stopAtStep;
    state.stepsPerSecond = m.stepsPerSecond;
    $("step").textContent = m.step.toLocaleString("en");
    $("epoch").textContent = m.stopAtEpoch > 0 ? `${Math.floor(m.epoch)} / ${m.stopAtEpoch}` : "0";
    if (state.smooth.length) $("loss").textContent = state.smooth[state.smooth.length - 1].toFixed(3);
    $("train").textContent = m.running ? "Pause" : m.finished ? "Continue" : m.step > 0 ? "Resume" : "Train";
    $("train").dataset.state = m.running ? "running" : m.finished ? "finished" : m.step > 0 ? "paused" : "new";
    const steps = m.step.toLocaleString("en");
    if (m.running) setStatus(`Training with the ${m.backend} kernels in a Web Worker: the page stays responsive, draw a digit any time.`);
    else if (m.finished) setStatus(`Trained ${m.stopAtEpoch} epochs (${steps} steps). Continue trains ${epochsWanted() ?? "more"} more.`);
    else if (m.step > 0) setStatus(`Paused at step ${steps}.`);
    showBackend();
    showSpeed();
    state.chartDirty = true;
  },
  accuracy(m) {
    state.accuracy.push({ step: m.step, accuracy: m.accuracy });
    showAccuracy();
    state.chartDirty = true;
    if (lastPixels) requestPrediction(lastPixels);
  },
  prediction(m) {
    showPrediction(m.probs);
  },
  error(m) {
    console.error(m.message);
    setStatus(`Error in the worker: ${m.message}`, true);
  },
};

worker.onmessage = (event) => onMessage[event.data.type](event.data);
worker.onerror = (event) => {
  console.error(`worker: ${event.message}`);
  setStatus(`The worker failed: ${event.message}`, true);
};

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

// ---- controls ------------------------------------------------------------

$("train").onclick = () => {
  if (state.running) return worker.postMessage({ type: "pause" });
  const epochs = epochsWanted();
  if (epochs === null) {
    setStatus(`Epochs: enter a whole number from 1 to ${$("epochs").max}.`, true);
    return $("epochs").focus();
  }
  worker.postMessage({ type: "start", epochs });
};

/** The epochs field as a whole number in its range, or null. */
function epochsWanted() {
  const field = $("epochs");
  const n = Number(field.value);
  return Number.isInteger(n) && n >= Number(field.min) && n <= Number(field.max) ? n : null;
}
$("reset").onclick = () => worker.postMessage({ type: "reset" });
for (const id of ["backend-wasm-simd", "backend-js"]) {
  $(id).onclick = () => worker.postMessage({ type: "backend", name: $(id).dataset.backend });
}

function showBackend() {
  for (const id of ["backend-wasm-simd", "backend-js"]) {
    $(id).setAttribute("aria-checked", String($(id).dataset.backend === state.backend));
  }
  for (const row of document.querySelectorAll(".speed-row")) row.classList.toggle("active", row.dataset.backend === state.backend);
}

function showSpeed() {
  const rates = state.stepsPerSecond;
  const max = Math.max(1, ...Object.values(rates).filter((r) => r !== null));
  for (const row of document.querySelectorAll(".speed-row")) {
    const rate = rates[row.dataset.backend];
    row.querySelector(".rate").textContent = rate === null || rate === undefined ? "–" : `${rate.toFixed(0)} steps/s`;
    row.querySelector(".bar i").style.width = rate ? `${(100 * rate) / max}%` : "0";
  }
  const [simd, js] = [rates["wasm-simd"], rates.js];
  $("speedup").textContent =
    simd && js
      ? `wasm-simd runs ${(simd / js).toFixed(1)}× the steps per second of the js kernels (${(simd * 64).toFixed(0)} vs ${(js * 64).toFixed(0)} samples/s).`
      : "Train, then switch kernels to compare steps per second.";
}

function showAccuracy() {
  const last = state.accuracy[state.accuracy.length - 1];
  $("accuracy").textContent = last ? `${(100 * last.accuracy).toFixed(1)}%` : "–";
}

// ---- loss chart ------------------------------------------------------------

const chart = $("chart");

function drawChart() {
  const dpr = window.devicePixelRatio || 1;
  const w = chart.clientWidth;
  const h = chart.clientHeight;
  if (chart.width !== Math.round(w * dpr)) chart.width = Math.round(w * dpr);
  if (chart.height !== Math.round(h * dpr)) chart.height = Math.round(h * dpr);
  const g = chart.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);

  const margin = { left: 44, right: 46, top: 10, bottom: 26 };
  const pw = w - margin.left - margin.right;
  const ph = h - margin.top - margin.bottom;
  const n = state.losses.length;
  // x: the whole run (it stops after the chosen epochs), or the steps so far.
  const xMax = Math.max(n, state.stopAtStep) || 100;
  // y: from 0 to the largest smoothed loss, in 1-2-5 ticks; no numbers before there is data.
  let top = 0;
  for (const v of state.smooth) if (v > top) top = v;
  top = Math.min(top * 1.05, 10);
  const yStep = niceCeil(top / 5);
  const yTicks = n === 0 || !(top > 0) ? 0 : Math.ceil(top / yStep - 1e-9);
  const yMax = yTicks * yStep || 1;
  // The axis in use, for the page's test (absent while the chart is empty).
  if (n > 0) chart.dataset.yMax = String(yMax);
  else delete chart.dataset.yMax;
  const x = (i) => margin.left + (i / xMax) * pw;
  const y = (v) => margin.top + ph - (Math.min(v, yMax) / yMax) * ph;

  g.font = "11px system-ui, 'DejaVu Sans', sans-serif";
  g.lineWidth = 1;
  g.strokeStyle = "#e8ebf0";
  g.fillStyle = "#6b7485";
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (let k = 0; k <= yTicks; k++) {
    const v = k * yStep;
    g.beginPath();
    g.moveTo(margin.left, Math.round(y(v)) + 0.5);
    g.lineTo(margin.left + pw, Math.round(y(v)) + 0.5);
    g.stroke();
    if (n > 0) g.fillText(String(Number(v.toPrecision(3))), margin.left - 6, y(v));
  }
  g.textAlign = "left";
  g.fillStyle = "#f08c00";
  for (let k = 0; k <= 4; k++) g.fillText(`${25 * k}%`, margin.left + pw + 6, margin.top + ph - (k / 4) * ph);
  g.fillStyle = "#6b7485";
  g.textAlign = "center";
  g.textBaseline = "top";
  if (n > 0) for (let k = 0; k <= 5; k++) g.fillText(String(Math.round((xMax * k) / 5)), x((xMax * k) / 5), margin.top + ph + 7);

  if (n === 0) {
    g.textBaseline = "middle";
    const hint = ["the loss of each training step appears here", "the loss appears here"].find((t) => g.measureText(t).width < pw - 12);
    g.fillText(hint ?? "", margin.left + pw / 2, margin.top + ph / 2);
    return;
  }
  // Raw losses: min–max per pixel column, so thousands of steps stay legible.
  g.strokeStyle = "rgba(61, 90, 254, 0.22)";
  g.beginPath();
  const perPx = Math.max(1, n / pw);
  for (let c = 0; c * perPx < n; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = Math.floor(c * perPx); i < Math.min(n, Math.floor((c + 1) * perPx) || 1); i++) {
      lo = Math.min(lo, state.losses[i]);
      hi = Math.max(hi, state.losses[i]);
    }
    const cx = x(c * perPx);
    if (perPx > 1) {
      g.moveTo(cx, y(lo));
      g.lineTo(cx, y(hi) - 0.5);
    } else g[c === 0 ? "moveTo" : "lineTo"](cx, y(state.losses[c]));
  }
  g.stroke();
  g.strokeStyle = "#3d5afe";
  g.lineWidth = 2;
  g.beginPath();
  for (let c = 0; c * perPx < n; c++) {
    const i = Math.min(n - 1, Math.floor(c * perPx));
    g[c === 0 ? "moveTo" : "lineTo"](x(i), y(state.smooth[i]));
  }
  g.stroke();
  g.fillStyle = "#f08c00";
  for (const a of state.accuracy) {
    g.beginPath();
    g.arc(x(a.step), margin.top + ph - a.accuracy * ph, 3.5, 0, 2 * Math.PI);
    g.fill();
  }
}

/** 1, 2 or 5 times a power of ten, at least v. */
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].find((s) => s * p >= v - 1e-12) * p;
}

function frame() {
  if (state.chartDirty) {
    state.chartDirty = false;
    drawChart();
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
window.addEventListener("resize", () => (state.chartDirty = true));

// ---- drawing pad -----------------------------------------------------------

const pad = $("draw");
const pen = pad.getContext("2d", { willReadFrequently: true });
let drawing = false;
let last = null;
let lastPixels = null;
let predictTimer = null;

function clearPad() {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, pad.width, pad.height);
  $("preview").getContext("2d").clearRect(0, 0, 28, 28);
  lastPixels = null;
  showPrediction(null);
}

function point(event) {
  const r = pad.getBoundingClientRect();
  return [((event.clientX - r.left) * pad.width) / r.width, ((event.clientY - r.top) * pad.height) / r.height];
}

pad.addEventListener("pointerdown", (event) => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  last = point(event);
  stroke(last, last);
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const p = point(event);
  stroke(last, p);
  last = p;
  if (predictTimer === null) predictTimer = setTimeout(predictDrawing, 80);
});
for (const type of ["pointerup", "pointercancel"]) {
  pad.addEventListener(type, () => {
    if (!drawing) return;
    drawing = false;
    predictDrawing();
  });
}
$("clear").onclick = clearPad;

function stroke(a, b) {
  pen.strokeStyle = "#fff";
  pen.lineWidth = 20;
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.beginPath();
  pen.moveTo(a[0], a[1]);
  pen.lineTo(b[0], b[1]);
  pen.stroke();
}

function predictDrawing() {
  clearTimeout(predictTimer);
  predictTimer = null;
  const pixels = toMnist();
  lastPixels = pixels;
  if (pixels === null) return showPrediction(null);
  requestPrediction(pixels);
}

function requestPrediction(pixels) {
  worker.postMessage({ type: "predict", pixels: pixels.slice() });
}

/** The drawing as 784 floats in [0, 1], MNIST-style; null when there is no ink. */
function toMnist() {
  const { width, height } = pad;
  const ink = pen.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let yy = 0; yy < height; yy++) {
    for (let xx = 0; xx < width; xx++) {
      if (ink[(yy * width + xx) * 4] > 40) {
        x0 = Math.min(x0, xx);
        x1 = Math.max(x1, xx);
        y0 = Math.min(y0, yy);
        y1 = Math.max(y1, yy);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const small = new OffscreenCanvas(28, 28);
  const s = small.getContext("2d", { willReadFrequently: true });
  s.imageSmoothingQuality = "high";
  s.drawImage(pad, x0, y0, bw, bh, (28 - bw * scale) / 2, (28 - bh * scale) / 2, bw * scale, bh * scale);
  const rgba = s.getImageData(0, 0, 28, 28).data;
  const boxed = new Float32Array(784);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < 784; i++) {
    const v = rgba[i * 4] / 255;
    boxed[i] = v;
    mass += v;
    mx += v * (i % 28);
    my += v * Math.floor(i / 28);
  }
  // Shift so the center of mass sits at the middle, as MNIST's digits do.
  const dx = Math.round(13.5 - mx / mass);
  const dy = Math.round(13.5 - my / mass);
  const out = new Float32Array(784);
  for (let yy = 0; yy < 28; yy++) {
    for (let xx = 0; xx < 28; xx++) {
      const sx = xx - dx;
      const sy = yy - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[yy * 28 + xx] = boxed[sy * 28 + sx];
    }
  }
  const preview = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(out[i] * 255);
    preview.data.set([v, v, v, 255], i * 4);
  }
  $("preview").getContext("2d").putImageData(preview, 0, 0);
  return out;
}

// ---- prediction ------------------------------------------------------------

const probsList = $("probs");
for (let c = 0; c < 10; c++) {
  const li = document.createElement("li");
  li.innerHTML = `<span>${c}</span><span class="bar"><i style="width:0"></i></span><span class="pct">–</span>`;
  probsList.append(li);
}

function showPrediction(probs) {
  const rows = probsList.children;
  const el = $("prediction");
  if (probs === null) {
    el.textContent = "?";
    el.classList.add("empty");
    delete el.dataset.class;
    for (const li of rows) {
      li.classList.remove("top");
      li.querySelector(".bar i").style.width = "0";
      li.querySelector(".pct").textContent = "–";
    }
    return;
  }
  let best = 0;
  for (let c = 1; c < 10; c++) if (probs[c] > probs[best]) best = c;
  el.textContent = String(best);
  el.classList.remove("empty");
  el.dataset.class = String(best);
  el.dataset.probability = String(probs[best]);
  for (let c = 0; c < 10; c++) {
    rows[c].classList.toggle("top", c === best);
    rows[c].querySelector(".bar i").style.width = `${(100 * probs[c]).toFixed(1)}%`;
    rows[c].querySelector(".pct").textContent = `${(100 * probs[c]).toFixed(1)}%`;
  }
}

clearPad();
