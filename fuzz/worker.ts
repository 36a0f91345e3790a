/**
 * Fuzz worker: runs batches of inputs of one target. Before each input it copies the input and
 * its index into the shared block and bumps the heartbeat, so the runner can name the input a
 * hang or crash happened on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSeeds } from './lib/corpus.js';
import { AllocationGuardError, installAllocationGuard } from './lib/guard.js';
import { hashString, Rng } from './lib/rng.js';
import {
  type BatchRequest,
  HEADER_BYTES,
  MAX_INPUT_BYTES,
  SLOT_BUSY,
  SLOT_HEARTBEAT,
  SLOT_INDEX,
  SLOT_LENGTH,
  timeBudgetMs,
  type WorkerMessage,
  type WorkerSetup,
} from './protocol.js';
import type { FuzzTarget, Outcome } from './targets/types.js';

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.sab, 0, HEADER_BYTES / 4);
const data = new Uint8Array(setup.sab, HEADER_BYTES);
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

// A parser must never size a buffer from a hostile length: refuse any single huge allocation.
installAllocationGuard(setup.maxAllocationBytes);

const targets = new Map<string, { target: FuzzTarget; seeds: Buffer[]; ready: boolean }>();

async function targetNamed(name: string) {
  let entry = targets.get(name);
  if (!entry) {
    const module = (await import(setup.targetsModule)) as { targets: readonly FuzzTarget[] };
    for (const target of module.targets) {
      if (!targets.has(target.name))
        targets.set(target.name, { target, seeds: loadSeeds(target.name), ready: false });
    }
    entry = targets.get(name);
    if (!entry) throw new Error(`unknown target ${name}`);
  }
  if (!entry.ready) {
    await entry.target.setup?.();
    entry.ready = true;
  }
  return entry;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `non-Error thrown: ${String(error)}`;
}

/**
 * Stack traces are off while fuzzing (capturing and source-mapping them for every error value
 * costs more than the parsing); a failing input is run once more with them on, for the report.
 */
Error.stackTraceLimit = 0;

async function withStack(target: FuzzTarget, input: Buffer, first: unknown): Promise<string> {
  Error.stackTraceLimit = 30;
  try {
    const outcome = target.run(input);
    if (outcome instanceof Promise) await outcome;
    return `${describe(first)}\n(did not fail again when re-run with stack traces on)`;
  } catch (error) {
    return describe(error);
  } finally {
    Error.stackTraceLimit = 0;
  }
}

/** Runs the target on `input` and returns the milliseconds it took (throws what it throws). */
async function timed(target: FuzzTarget, input: Buffer): Promise<[Outcome, number]> {
  const started = performance.now();
  let outcome = target.run(input);
  if (outcome instanceof Promise) outcome = await outcome;
  return [outcome, performance.now() - started];
}

/**
 * An input over its time budget is timed once more; the faster run counts. Returns the report
 * when even that one is over budget.
 */
async function overBudget(
  target: FuzzTarget,
  input: Buffer,
  ms: number,
): Promise<string | undefined> {
  const budget = timeBudgetMs(setup.budget, input.length, target.budgetScale);
  if (ms <= budget) return undefined;
  Atomics.add(control, SLOT_HEARTBEAT, 1);
  let again = ms;
  try {
    again = (await timed(target, input))[1];
  } catch {
    // It did not throw the first time; the time of the first run stands.
  }
  const best = Math.min(ms, again);
  if (best <= budget) return undefined;
  return `TimeBudgetError: ${best.toFixed(0)} ms for ${input.length} bytes (best of two runs), over the budget of ${budget.toFixed(0)} ms ((${setup.budget.baseMs} ms + ${setup.budget.msPerMiB} ms/MiB) × ${target.budgetScale ?? 1}): work super-linear in the input?`;
}

async function runBatch(request: BatchRequest): Promise<void> {
  const { target, seeds } = await targetNamed(request.target);
  const targetSeed = hashString(request.target);
  let ok = 0;
  let err = 0;
  let failures = 0;
  let tried = 0;
  let stoppedEarly = false;
  const started = performance.now();
  for (let index = request.start; index < request.end; index++) {
    if ((index & 31) === 0 && Date.now() > request.deadline) {
      stoppedEarly = true;
      break;
    }
    let input = target.generate(new Rng(request.seed, targetSeed, index), seeds);
    if (input.length > MAX_INPUT_BYTES) input = input.subarray(0, MAX_INPUT_BYTES);
    data.set(input);
    Atomics.store(control, SLOT_LENGTH, input.length);
    Atomics.store(control, SLOT_INDEX, index);
    Atomics.store(control, SLOT_BUSY, 1);
    Atomics.add(control, SLOT_HEARTBEAT, 1);
    try {
      const [outcome, ms] = await timed(target, input);
      if (outcome === 'ok') ok++;
      else err++;
      const slow = await overBudget(target, input, ms);
      if (slow !== undefined) {
        failures++;
        post({
          type: 'failure',
          kind: 'slow',
          target: request.target,
          index,
          input: new Uint8Array(input),
          error: slow,
        });
      }
      if ((index & 255) === 0 && process.memoryUsage().arrayBuffers > 1024 * 1024 * 1024) {
        throw new AllocationGuardError('more than 1 GiB of ArrayBuffers alive after this input');
      }
    } catch (error) {
      failures++;
      post({
        type: 'failure',
        kind: 'exception',
        target: request.target,
        index,
        input: new Uint8Array(input),
        error: await withStack(target, input, error),
      });
    }
    tried++;
  }
  Atomics.store(control, SLOT_BUSY, 0);
  post({
    type: 'batch-done',
    target: request.target,
    tried,
    ok,
    err,
    failures,
    ms: performance.now() - started,
    stoppedEarly,
  });
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (message: BatchRequest) => {
  if (message.type !== 'batch') return;
  queue = queue.then(() =>
    runBatch(message).catch((error: unknown) => {
      post({ type: 'setup-failed', error: describe(error) });
    }),
  );
});
post({ type: 'ready' });
