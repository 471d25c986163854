/**
 * Issue 9's CTC workload: log-probabilities (T = 100, N = 16, C = 30) from a
 * logSoftmax, padded targets (16, 30) with target lengths 20…30 and input
 * lengths 80…100 (the lengths of bench/pytorch_ctc.py; the values differ:
 * TypeScript and PyTorch draw different random numbers), reduction "mean",
 * forward + backward through the public API. PyTorch's CPU ctc_loss on the
 * same shapes runs in a python3 child process in the same bench run. And a
 * long one (T = 600, N = 8, S = 120: speech-like lengths, where the kernels
 * scale blocks of states rather than whole frames).
 */
import * as nx from "../../ts/index";
import type { BackendName } from "../../ts/backend/backend";
import type { Timed } from "../lib/harness";

export interface CtcShape {
  T: number;
  N: number;
  C: number;
  S: number;
}

export const CTC_SHAPES: Record<"issue9" | "long", CtcShape> = {
  issue9: { T: 100, N: 16, C: 30, S: 30 },
  long: { T: 600, N: 8, C: 30, S: 120 },
};

export function ctcRunner(backend: BackendName, { T, N, C, S }: CtcShape): Timed & { dispose(): void } {
  const lp = nx.randn([T, N, C], { seed: 9 }).logSoftmax(2).detach();
  lp.requiresGrad = true;
  const targets = new nx.Tensor(Array.from({ length: N * S }, (_, i) => 1 + ((i * 7919) % (C - 1))), { shape: [N, S] });
  const inputLengths = Array.from({ length: N }, (_, i) => T - (i % 21));
  const targetLengths = Array.from({ length: N }, (_, i) => S - (i % 11));
  const ctc = new nx.CTCLoss();
  return {
    before: () => nx.setBackend(backend),
    run: () =>
      nx.tidy(() => {
        const loss = ctc(lp, targets, inputLengths, targetLengths);
        loss.backward();
        const v = loss.item();
        lp.grad = null;
        return v;
      }),
    dispose: () => {
      lp.dispose();
      targets.dispose();
    },
  };
}
