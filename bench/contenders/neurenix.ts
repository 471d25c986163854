/**
 * neurenix contenders, per backend ("wasm-simd", "js"), two ways:
 *   API     the public API a user writes: `criterion(x, y)`, `loss.backward()`,
 *           `loss.item()` on tensors made once; the loss and x.grad are
 *           disposed each call (the tidiest loop);
 *   kernel  the backend object called directly on views of arrays resident in
 *           the shared wasm heap: the kernel's own cost, no Tensor, graph or
 *           validation. API − kernel is the API's overhead.
 * and, for forward+gradient on wasm-simd, the synchronous loops users
 * really write, disposing nothing (`userLoopContender`):
 *   grad = null   `x.grad = null; crit(x, y).backward()` (PyTorch users' benchmark loop)
 *   zeroGrad      `opt.zeroGrad(); crit(x, y).backward()` (a training loop)
 *   tidy          `nx.tidy(() => { x.grad = null; crit(x, y).backward() })`
 * The wasm-simd backend object is the very one the API uses (picked up with
 * setBackend + kernelsNow), not a second instance of the module.
 */
import * as nx from "../../ts/index";
import { kernelsNow } from "../../ts/backend/select";
import { heap } from "../../ts/wasm/memory";
import { allocBlock } from "../../ts/memory/storage";
import type { Backend, BackendName } from "../../ts/backend/backend";
import type { Contender, Runner } from "./contender";
import type { Case, Problem } from "../workloads/problem";
import { MSE } from "../../ts/losses/mse_loss";
import { L1 } from "../../ts/losses/l1_loss";
import { BCE_WITH_LOGITS } from "../../ts/losses/bce_with_logits_loss";

const SHORT: Record<BackendName, string> = { "wasm-simd": "wasm", js: "js" };

export function backendObject(name: BackendName): Backend {
  const previous = nx.backend();
  nx.setBackend(name);
  const b = kernelsNow();
  nx.setBackend(previous);
  return b;
}

/** Float32 arrays allocated in the wasm heap; views re-taken after the memory grows. */
export class Resident {
  private readonly ptrs: number[];
  private generation = -1;
  private cached: Float32Array[] = [];

  constructor(private readonly lengths: readonly number[]) {
    this.ptrs = lengths.map((n) => allocBlock(Math.max(n, 1) * 4));
  }

  views(): Float32Array[] {
    if (this.generation !== heap.generation) {
      this.cached = this.ptrs.map((ptr, i) => heap.f32(ptr, this.lengths[i]));
      this.generation = heap.generation;
    }
    return this.cached;
  }

  free(): void {
    for (const ptr of this.ptrs) heap.free(ptr);
  }
}

/** One fused kernel call; returns the mean loss. */
function kernelMean(b: Backend, p: Problem, x: Float32Array, t: Float32Array, grad: Float32Array | null): number {
  const count = p.n * p.inner;
  const scale = 1 / count;
  switch (p.loss) {
    case "mse":
      return b.elementwiseLossFwdBwd(MSE, x, t, null, null, [], null, grad, null, scale) * scale;
    case "l1":
      return b.elementwiseLossFwdBwd(L1, x, t, null, null, [], null, grad, null, scale) * scale;
    case "bce":
      return b.elementwiseLossFwdBwd(BCE_WITH_LOGITS, x, t, null, null, [], null, grad, null, scale) * scale;
    case "ce":
      return b.crossEntropyFwdBwd(x, t, null, p.n, p.classes, p.inner, -100, 0, false, null, grad, scale) * scale;
  }
}

export function kernelContender(name: BackendName): Contender {
  return {
    key: `nx-${SHORT[name]}-kernel`,
    label: `neurenix ${name} (kernel)`,
    supports: () => true,
    prepare(c: Case): Runner {
      const p = c.problem;
      const b = backendObject(name);
      const arrays = new Resident([p.size, p.target.length, c.mode === "fwdBwd" ? p.size : 0]);
      const [x0, t0] = arrays.views();
      x0.set(p.input);
      t0.set(p.target);
      let x = x0;
      let t = t0;
      let grad: Float32Array | null = null;
      return {
        before: () => {
          const v = arrays.views();
          [x, t] = v;
          grad = c.mode === "fwdBwd" ? v[2] : null;
        },
        run: () => kernelMean(b, p, x, t, grad),
        dispose: () => arrays.free(),
      };
    },
  };
}

function criterion(p: Problem): nx.Loss {
  switch (p.loss) {
    case "mse":
      return new nx.MSELoss();
    case "l1":
      return new nx.L1Loss();
    case "bce":
      return new nx.BCEWithLogitsLoss();
    case "ce":
      return new nx.CrossEntropyLoss();
  }
}

/**
 * One forward + backward through the API that leaves nothing behind: the
 * loss and x's gradient are disposed (the tidiest loop); returns the loss.
 */
export function disposingStep(x: nx.Tensor, call: () => nx.Tensor): number {
  const out = call();
  out.backward();
  const v = out.item();
  out.dispose();
  x.grad?.dispose();
  x.grad = null;
  return v;
}

export function apiContender(name: BackendName): Contender {
  return {
    key: `nx-${SHORT[name]}-api`,
    label: `neurenix ${name} (API)`,
    supports: () => true,
    prepare(c: Case): Runner {
      const p = c.problem;
      const loss = criterion(p);
      const targetShape = p.loss === "ce" ? [p.shape[0], ...p.shape.slice(2)] : p.shape;
      const x = new nx.Tensor(p.input, { shape: p.shape, requiresGrad: c.mode === "fwdBwd" });
      const y = new nx.Tensor(p.target, { shape: targetShape });
      const run =
        c.mode === "fwd"
          ? () => {
              const out = loss(x, y);
              const v = out.item();
              out.dispose();
              return v;
            }
          : () => disposingStep(x, () => loss(x, y));
      return {
        before: () => nx.setBackend(name),
        run,
        dispose: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

export type UserLoop = "gradnull" | "zerograd" | "tidy";
const USER_LOOPS: Record<UserLoop, string> = { gradnull: "x.grad = null", zerograd: "zeroGrad()", tidy: "nx.tidy" };

/** Forward+gradient through the API in the loops users write (see the header); nothing disposed. */
export function userLoopContender(loop: UserLoop): Contender {
  return {
    key: `nx-wasm-${loop}`,
    label: `neurenix wasm-simd (${USER_LOOPS[loop]} loop)`,
    supports: (c) => c.mode === "fwdBwd",
    prepare(c: Case): Runner {
      const p = c.problem;
      const loss = criterion(p);
      const targetShape = p.loss === "ce" ? [p.shape[0], ...p.shape.slice(2)] : p.shape;
      const x = new nx.Tensor(p.input, { shape: p.shape, requiresGrad: true });
      const y = new nx.Tensor(p.target, { shape: targetShape });
      const opt = new nx.optim.SGD([x], { lr: 0 });
      const step = () => {
        const out = loss(x, y);
        out.backward();
        return out.item();
      };
      const run =
        loop === "gradnull"
          ? () => {
              x.grad = null;
              return step();
            }
          : loop === "zerograd"
            ? () => {
                opt.zeroGrad();
                return step();
              }
            : () =>
                nx.tidy(() => {
                  x.grad = null;
                  return step();
                });
      return {
        before: () => nx.setBackend("wasm-simd"),
        run,
        dispose: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}
