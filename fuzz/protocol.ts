/** Messages between the fuzz runner and its workers, and the shared progress block. */

/** Longest input the runner tries (and can copy into the shared block). */
export const MAX_INPUT_BYTES = 4 << 20;
/** Int32 slots at the start of the shared block. */
export const SLOT_HEARTBEAT = 0;
export const SLOT_INDEX = 1;
export const SLOT_LENGTH = 2;
export const SLOT_BUSY = 3;
export const HEADER_BYTES = 16;

export interface WorkerSetup {
  readonly entry: string;
  /** URL of the module whose `targets` export lists the targets. */
  readonly targetsModule: string;
  readonly sab: SharedArrayBuffer;
  /** Largest single Buffer allocation allowed before it counts as a failure. */
  readonly maxAllocationBytes: number;
  /** The per-input time budget (see {@link timeBudgetMs}). */
  readonly budget: TimeBudget;
}

/**
 * How long one input of n bytes may take: `baseMs + msPerMiB · n / 1 MiB`. Linear parsers stay
 * far below it even on a loaded machine; work quadratic in the input blows through it on the
 * large adversarial inputs the targets generate. An input over budget is timed once more and
 * the faster run counts (a GC pause or a busy machine is not the input's fault).
 */
export interface TimeBudget {
  readonly baseMs: number;
  readonly msPerMiB: number;
}

/** The budget of an input of `bytes` bytes, in milliseconds. */
export function timeBudgetMs(budget: TimeBudget, bytes: number, scale = 1): number {
  return scale * (budget.baseMs + (budget.msPerMiB * bytes) / (1024 * 1024));
}

export interface BatchRequest {
  readonly type: 'batch';
  readonly target: string;
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** Epoch ms after which the worker stops early. */
  readonly deadline: number;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'setup-failed'; readonly error: string }
  | {
      readonly type: 'failure';
      /** `exception`: threw or broke the contract; `slow`: over the time budget. */
      readonly kind: 'exception' | 'slow';
      readonly target: string;
      readonly index: number;
      readonly input: Uint8Array;
      readonly error: string;
    }
  | {
      readonly type: 'batch-done';
      readonly target: string;
      /** Inputs tried (less than end - start when stopped by the deadline). */
      readonly tried: number;
      readonly ok: number;
      readonly err: number;
      readonly failures: number;
      readonly ms: number;
      readonly stoppedEarly: boolean;
    };
