/**
 * Parity with PyTorch 1.13, step for step: the same initial weights and the
 * same batches as test/golden/gen_training_parity.py, then the loss after
 * each of the first 50 steps of the documentation's two examples, on both
 * backends, within 1e-3 relative.
 *   classifier: fc1 784→128, ReLU, fc2 128→10; CrossEntropyLoss; Adam lr=1e-3; real MNIST digits
 *   regressor:  Sequential(Linear 10→64, ReLU, Linear 64→1); MSELoss; SGD lr=0.01, momentum 0.9
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { PIXELS, loadDigits, pick } from "../../examples/lib/mnist";

interface Packed {
  shape: number[];
  b64: string;
}
interface Case {
  state: Record<string, Packed>;
  lr: number;
  losses: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../golden/training_parity.json", import.meta.url), "utf8")) as {
  steps: number;
  batch: number;
  classifier: Case & { indices: number[][] };
  regressor: Case & { momentum: number; inputs: Packed; targets: Packed };
};

/** The bound: each loss within 1e-3 relative of PyTorch's. */
const PARITY = { rtol: 1e-3, atol: 0 };

function unpack(p: Packed): nx.Tensor {
  const bytes = Buffer.from(p.b64, "base64");
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return new nx.Tensor(values, { shape: p.shape });
}

function state(c: Case): Record<string, nx.Tensor> {
  return Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, unpack(v)]));
}

class Classifier extends nx.Module {
  fc1 = new nx.Linear(784, 128);
  relu = new nx.ReLU();
  fc2 = new nx.Linear(128, 10);

  forward(x: nx.Tensor): nx.Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

/** zeroGrad, forward, loss, backward, step over the batches; the loss of each step. */
function train(
  model: nx.Module,
  criterion: nx.Loss,
  optimizer: nx.optim.Optimizer<object, unknown>,
  batches: Iterable<[nx.Tensor, nx.Tensor]>,
): number[] {
  const losses: number[] = [];
  for (const [x, y] of batches) {
    optimizer.zeroGrad();
    const loss = criterion(model(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

describe.each(BACKENDS)("training parity with PyTorch on %s", (backend) => {
  it("classifier on MNIST, CrossEntropyLoss + Adam: 50 losses within 1e-3", { timeout: 120_000 }, () =>
    withBackend(backend, () => {
      const c = fixture.classifier;
      const digits = loadDigits();
      const model = new Classifier();
      model.loadStateDict(state(c));
      const batches = function* (): Generator<[nx.Tensor, nx.Tensor]> {
        for (const indices of c.indices) {
          const b = pick(digits, indices);
          yield [new nx.Tensor(b.images, { shape: [b.count, PIXELS] }), new nx.Tensor(b.labels)];
        }
      };
      const losses = train(model, new nx.CrossEntropyLoss(), new nx.optim.Adam(model.parameters(), { lr: c.lr }), batches());
      expect(c.losses.length).toBe(fixture.steps);
      // The run really learns: the loss falls from ln 10 to well below.
      expect(c.losses[0]).toBeGreaterThan(2);
      expect(c.losses[49]).toBeLessThan(1);
      expectClose(losses, c.losses, PARITY, `classifier losses on ${backend}`);
    })
  );

  it("regressor, MSELoss + SGD with momentum: 50 losses within 1e-3", { timeout: 60_000 }, () =>
    withBackend(backend, () => {
      const r = fixture.regressor;
      const model = new nx.Sequential(new nx.Linear(10, 64), new nx.ReLU(), new nx.Linear(64, 1));
      model.loadStateDict(state(r));
      const loader = new nx.data.DataLoader(new nx.data.TensorDataset(unpack(r.inputs), unpack(r.targets)), {
        batchSize: fixture.batch,
      });
      const optimizer = new nx.optim.SGD(model.parameters(), { lr: r.lr, momentum: r.momentum });
      const losses = train(model, new nx.MSELoss(), optimizer, loader);
      expect(r.losses[49]).toBeLessThan(0.1 * r.losses[0]);
      expectClose(losses, r.losses, PARITY, `regressor losses on ${backend}`);
    })
  );
});
