/**
 * The documentation's regressor: 10 → 64 → ReLU → 1, MSELoss, SGD.
 *
 *   npm run example:regressor
 *
 * Synthetic data from a seeded generator (nx.randn with { seed }, so every
 * run sees the same numbers): inputs x ~ N(0, 1)^10, a fixed random weight
 * vector w ~ N(0, 1)^10 (seed 2), and targets y = x·w + 0.1·ε, ε ~ N(0, 1).
 * 2,000 samples train, 500 more are held out. The model is then saved as
 * safetensors and loaded into a fresh model, which predicts the same.
 */
import * as nx from "../ts/index";

/** n samples of y = x·w + 0.1·ε, reproducible from `seed`. */
function syntheticData(n: number, seed: number): { x: nx.Tensor; y: nx.Tensor } {
  const w = nx.randn([10, 1], { seed: 2 });
  const x = nx.randn([n, 10], { seed });
  const noise = nx.randn([n, 1], { seed: seed + 1 });
  return { x, y: x.matmul(w).add(noise.mul(0.1)) };
}

function makeModel(): nx.Sequential {
  return new nx.Sequential(new nx.Linear(10, 64), new nx.ReLU(), new nx.Linear(64, 1));
}

nx.manualSeed(0);
const train = syntheticData(2000, 10);
const test = syntheticData(500, 20);
const loader = new nx.data.DataLoader(new nx.data.TensorDataset(train.x, train.y), { batchSize: 64, shuffle: true, seed: 0 });

const model = makeModel();
const criterion = new nx.MSELoss();
const optimizer = new nx.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
console.log(String(model));

for (let epoch = 1; epoch <= 20; epoch++) {
  let sum = 0;
  for (const [inputs, targets] of loader) {
    optimizer.zeroGrad();
    const loss = criterion(model(inputs), targets);
    loss.backward();
    optimizer.step();
    sum += loss.item();
  }
  if (epoch % 5 === 0 || epoch === 1) console.log(`epoch ${String(epoch).padStart(2)}: mean training loss ${(sum / loader.length).toFixed(4)}`);
}

const testLoss = nx.noGrad(() => criterion(model(test.x), test.y).item());
console.log(`held-out MSE: ${testLoss.toFixed(4)} (the noise alone gives 0.01; predicting 0 gives ${nx.noGrad(() => test.y.pow(2).mean().item()).toFixed(2)})`);

// Weights out as safetensors and back into a fresh model.
const bytes = nx.safetensors.saveModel(model);
const copy = makeModel();
nx.safetensors.loadModel(copy, bytes);
const same = nx.noGrad(() => criterion(copy(test.x), test.y).item()) === testLoss;
console.log(`safetensors: ${bytes.length} bytes; reloaded model predicts the same: ${same}`);
