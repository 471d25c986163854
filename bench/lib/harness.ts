/**
 * The timing loop: contenders interleaved round-robin, medians over rounds.
 *
 * For one case every runner is first warmed up (until `warmupMs` have passed,
 * so V8 has optimised the JS paths and every buffer has been touched), which
 * also estimates its time per call and fixes `reps`, the calls per sample
 * (enough for a sample of ~`sampleMs`). Then each round times one sample of
 * every runner, starting from a different runner each round so no contender
 * always inherits the same cache state. The reported time per call is the
 * median of the samples. Between samples the harness yields to the event
 * loop, so FinalizationRegistry callbacks run outside the timed region. A
 * runner already past `budgetMs` of sampling drops out after `minRounds`
 * rounds (3 for calls slower than 0.5 s), which keeps the slow contenders on
 * the big cases from dominating the run time. Each sample also records the
 * CPU time of the process's other threads (`otherThreads`) and the time
 * the hypervisor gave to other guests (`steal`). Tried and
 * dropped: a full garbage collection before each sample (so that one
 * contender's garbage is not marked on the other core during the next
 * one's sample); it did not remove the occasional slow column README
 * describes, and allocating contenders got slower (js CTC 4.0 → 8.3 ms).
 */
import { readFileSync } from "node:fs";
import { median, relativeSpread } from "./stats";

export interface Timed {
  before?(): void | Promise<void>;
  run(): number;
}

export interface TimingSettings {
  warmupMs: number;
  sampleMs: number;
  rounds: number;
  minRounds: number;
  budgetMs: number;
}

export interface Timing {
  /** Median seconds per call. */
  seconds: number;
  /** Median absolute deviation / median over the samples. */
  spread: number;
  samples: number;
  reps: number;
  /** What the last warm-up call returned (the loss, for the accuracy column). */
  value: number;
  /**
   * Median over the samples of the CPU time the process's other threads
   * (V8's garbage collector and compilers) used during the sample, as a
   * fraction of its wall time: the timed thread is busy throughout, so
   * the process's CPU time beyond the wall time is theirs.
   */
  otherThreads: number;
  /**
   * CPU time the hypervisor gave other guests while this machine's CPUs
   * wanted to run ("steal" in /proc/stat, summed over the CPUs), over all
   * samples, as a fraction of their wall time (up to the number of CPUs);
   * NaN where /proc/stat is missing. Counted in jiffies of 10 ms, so only
   * the sum over samples means much.
   */
  steal: number;
}

/** Total steal jiffies of all CPUs (the `cpu` line of /proc/stat), or NaN. */
function stealJiffies(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    return Number(line.trim().split(/\s+/)[8]);
  } catch {
    return NaN;
  }
}

/** Calls slower than this (tfjs cpu on 8M logits: seconds) get one warm-up call and 3 rounds. */
const SLOW_MS = 500;
const SLOW_ROUNDS = 3;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Keeps results alive so no call can be optimised away. */
export let sink = 0;

export async function timeRoundRobin(runners: readonly Timed[], settings: TimingSettings): Promise<Timing[]> {
  const reps: number[] = [];
  const values: number[] = [];
  const slow: boolean[] = [];
  for (const r of runners) {
    await r.before?.();
    const start = performance.now();
    let calls = 0;
    let fastest = Infinity;
    let value = NaN;
    // A call slower than SLOW_MS is warm after one run: its loops tier up mid-call.
    while (calls < (fastest > SLOW_MS ? 1 : 2) || performance.now() - start < settings.warmupMs) {
      const t0 = performance.now();
      value = r.run();
      fastest = Math.min(fastest, performance.now() - t0);
      calls++;
    }
    values.push(value);
    slow.push(fastest > SLOW_MS);
    reps.push(Math.max(1, Math.ceil(settings.sampleMs / Math.max(fastest, 1e-4))));
    await yieldToEventLoop();
  }

  const samples: number[][] = runners.map(() => []);
  const others: number[][] = runners.map(() => []);
  const stolen = runners.map(() => 0);
  const spent = runners.map(() => 0);
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < runners.length; k++) {
      const i = (k + round) % runners.length;
      const enough = slow[i] ? SLOW_ROUNDS : settings.minRounds;
      if (samples[i].length >= enough && spent[i] >= settings.budgetMs) continue;
      const r = runners[i];
      await r.before?.();
      await yieldToEventLoop();
      const n = reps[i];
      let acc = 0;
      const steal0 = stealJiffies();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let j = 0; j < n; j++) acc += r.run();
      const elapsed = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      stolen[i] += (stealJiffies() - steal0) * 10;
      others[i].push(Math.max(0, (cpu.user + cpu.system) / 1e3 - elapsed) / elapsed);
      sink += acc;
      spent[i] += elapsed;
      samples[i].push(elapsed / 1e3 / n);
    }
  }
  return runners.map((_, i) => ({
    seconds: median(samples[i]),
    spread: relativeSpread(samples[i]),
    samples: samples[i].length,
    reps: reps[i],
    value: values[i],
    otherThreads: median(others[i]),
    steal: stolen[i] / spent[i],
  }));
}
