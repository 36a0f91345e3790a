/** Messages between the fuzz runner and its workers, and the shared progress block. */

/** Longest input the runner tries (and can copy into the shared block). */
export const MAX_INPUT_BYTES = 1 << 20;
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
