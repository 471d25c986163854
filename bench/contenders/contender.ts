/**
 * What the harness runs: a contender prepares one case (its data resident
 * where it wants it, outside the timing) and returns a Runner.
 */
import type { Case } from "../workloads/problem";

export interface Runner {
  /** Before each timed sample, untimed: switch backends, re-take heap views. */
  before?(): void | Promise<void>;
  /** One call of the case; returns the mean loss it computed (the accuracy column). */
  run(): number;
  dispose(): void;
  /** Bytes one call moves, when not the case's own traffic (the bandwidth sweeps). */
  bytes?: number;
}

export interface Contender {
  /** Stable key for the JSON ("nx-wasm-api"). */
  readonly key: string;
  /** Column label ("neurenix wasm-simd (API)"). */
  readonly label: string;
  supports(c: Case): boolean;
  prepare(c: Case): Runner | Promise<Runner>;
}
