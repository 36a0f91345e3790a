/**
 * The fuzz runner: splits the input count over the targets, runs batches in a pool of worker
 * threads with a watchdog (no heartbeat for `hangMs` while busy = a hang) and a heap limit
 * (an unbounded allocation kills the worker = a crash), and saves every failing input to
 * `<regressions>/<target>/<sha1>.bin` with a `.txt` saying what went wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type BatchRequest,
  HEADER_BYTES,
  MAX_INPUT_BYTES,
  SLOT_BUSY,
  SLOT_HEARTBEAT,
  SLOT_INDEX,
  SLOT_LENGTH,
  type TimeBudget,
  type WorkerMessage,
  type WorkerSetup,
} from './protocol.js';

export interface FuzzOptions {
  readonly seed: number;
  /** Total inputs over all targets. */
  readonly count: number;
  /** Seconds; no new input starts after this. */
  readonly timeSeconds: number;
  /** name → weight of the targets to run. */
  readonly targets: ReadonlyMap<string, number>;
  readonly targetsModule: string;
  readonly workers: number;
  readonly hangMs: number;
  readonly maxOldGenerationSizeMb: number;
  readonly maxAllocationBytes: number;
  /** Per-input time budget: an input of n bytes must finish within baseMs + msPerMiB · n / MiB. */
  readonly budget: TimeBudget;
  readonly batchSize: number;
  readonly regressionsDir: string;
  /** Most inputs saved per distinct failure signature. */
  readonly savePerSignature: number;
  readonly log: (line: string) => void;
}

export interface TargetStats {
  tried: number;
  ok: number;
  err: number;
  failures: number;
  ms: number;
}

export interface FailureRecord {
  readonly target: string;
  readonly index: number;
  readonly kind: 'exception' | 'slow' | 'hang' | 'crash';
  readonly error: string;
  readonly input: Buffer;
  readonly saved: string | undefined;
}

export interface FuzzReport {
  readonly stats: Map<string, TargetStats>;
  readonly failures: FailureRecord[];
  readonly totalTried: number;
  readonly planned: number;
  readonly seconds: number;
  readonly stoppedByTime: boolean;
}

/** A batch, or the re-run of one input suspected of hanging (`confirm` holds the input). */
type Task = BatchRequest & { readonly confirm?: Buffer | undefined };

/** A suspected hang is re-run alone with this many times the limit before it counts. */
const CONFIRM_FACTOR = 3;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Splits `count` over the targets by weight; returns batches interleaved across targets. */
export function plan(
  options: Pick<FuzzOptions, 'count' | 'targets' | 'batchSize' | 'seed'>,
): BatchRequest[] {
  const entries = [...options.targets];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const perTarget = entries.map(([name, weight], i) => {
    const share =
      i === entries.length - 1
        ? options.count -
          entries.slice(0, -1).reduce((s, [, w]) => s + Math.floor((options.count * w) / total), 0)
        : Math.floor((options.count * weight) / total);
    const batches: BatchRequest[] = [];
    for (let start = 0; start < share; start += options.batchSize) {
      batches.push({
        type: 'batch',
        target: name,
        seed: options.seed,
        start,
        end: Math.min(share, start + options.batchSize),
        deadline: 0,
      });
    }
    return batches;
  });
  const out: BatchRequest[] = [];
  for (let round = 0; perTarget.some((b) => b.length > round); round++) {
    for (const batches of perTarget) if (batches[round]) out.push(batches[round]!);
  }
  return out;
}

function signature(target: string, kind: string, error: string): string {
  const lines = error.split('\n');
  const head = (lines[0] ?? '').replace(/\d+/g, 'N').slice(0, 200);
  const frame = lines.find((l) => l.trim().startsWith('at ')) ?? '';
  return `${target}|${kind}|${head}|${frame.trim()}`;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  // Targets that need files put them under one directory per run, removed at the end.
  const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rndc-fuzz-'));
  process.env.RNDC_FUZZ_TMP = scratch;
  try {
    return await runWorkers(options);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function runWorkers(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const deadline = started + options.timeSeconds * 1000;
  const queue: Task[] = plan(options).map((b) => ({ ...b, deadline }));
  const planned = queue.reduce((sum, b) => sum + (b.end - b.start), 0);
  const stats = new Map<string, TargetStats>();
  for (const name of options.targets.keys())
    stats.set(name, { tried: 0, ok: 0, err: 0, failures: 0, ms: 0 });
  const failures: FailureRecord[] = [];
  const savedPerSignature = new Map<string, number>();
  let stoppedByTime = false;

  const record = (
    target: string,
    index: number,
    kind: FailureRecord['kind'],
    error: string,
    input: Buffer,
  ) => {
    const sig = signature(target, kind, error);
    const already = savedPerSignature.get(sig) ?? 0;
    let saved: string | undefined;
    if (already < options.savePerSignature) {
      savedPerSignature.set(sig, already + 1);
      const sha1 = createHash('sha1').update(input).digest('hex');
      const dir = join(options.regressionsDir, target);
      mkdirSync(dir, { recursive: true });
      saved = join(dir, `${sha1}.bin`);
      writeFileSync(saved, input);
      writeFileSync(
        join(dir, `${sha1}.txt`),
        `target: ${target}\nkind: ${kind}\nseed: ${options.seed}\nindex: ${index}\nbytes: ${input.length}\n\n${error}\n`,
      );
    }
    failures.push({ target, index, kind, error, input, saved });
    const first = error.split('\n')[0];
    options.log(`FAIL ${target} #${index} (${kind}): ${first}${saved ? ` -> ${saved}` : ''}`);
  };

  const runSlot = async (slot: number): Promise<void> => {
    let current: Task | undefined;
    while (queue.length > 0 || current) {
      const sab = new SharedArrayBuffer(HEADER_BYTES + MAX_INPUT_BYTES);
      const control = new Int32Array(sab, 0, HEADER_BYTES / 4);
      const setup: WorkerSetup = {
        entry: new URL('./worker.ts', import.meta.url).href,
        targetsModule: options.targetsModule,
        sab,
        maxAllocationBytes: options.maxAllocationBytes,
        budget: options.budget,
      };
      const worker = new Worker(new URL('./boot.mjs', import.meta.url), {
        workerData: setup,
        resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
        stdout: false,
        stderr: false,
      });
      // Runs batches until the queue is empty (resolves 'idle') or the worker dies (resolves why).
      const outcome = await new Promise<
        { kind: 'idle' } | { kind: 'hang' | 'crash'; error: string }
      >((resolveOutcome) => {
        let settled = false;
        let lastBeat = Atomics.load(control, SLOT_HEARTBEAT);
        let lastChange = Date.now();
        const finish = (value: { kind: 'idle' } | { kind: 'hang' | 'crash'; error: string }) => {
          if (settled) return;
          settled = true;
          clearInterval(watchdog);
          resolveOutcome(value);
        };
        const next = () => {
          if (Date.now() > deadline && queue.some((task) => !task.confirm)) {
            // Past the time bound only the re-runs of suspected hangs still run.
            stoppedByTime = true;
            const confirms = queue.filter((task) => task.confirm);
            queue.length = 0;
            queue.push(...confirms);
          }
          current = queue.shift();
          if (!current) {
            finish({ kind: 'idle' });
            return;
          }
          lastChange = Date.now();
          const { confirm: _confirm, ...request } = current;
          worker.postMessage(request);
        };
        const watchdog = setInterval(
          () => {
            const beat = Atomics.load(control, SLOT_HEARTBEAT);
            if (beat !== lastBeat) {
              lastBeat = beat;
              lastChange = Date.now();
              return;
            }
            const limit = current?.confirm ? options.hangMs * CONFIRM_FACTOR : options.hangMs;
            if (Atomics.load(control, SLOT_BUSY) === 1 && Date.now() - lastChange > limit) {
              finish({
                kind: 'hang',
                error: `no progress for ${limit} ms (infinite loop or a promise that never settles)`,
              });
            }
          },
          Math.min(500, Math.max(50, options.hangMs / 4)),
        );
        worker.on('message', (message: WorkerMessage) => {
          switch (message.type) {
            case 'ready':
              next();
              break;
            case 'setup-failed':
              finish({ kind: 'crash', error: `worker could not run the batch: ${message.error}` });
              break;
            case 'failure':
              record(
                message.target,
                message.index,
                message.kind,
                message.error,
                Buffer.from(message.input),
              );
              break;
            case 'batch-done': {
              if (current?.confirm) {
                // A suspected hang that finished when re-run alone: the machine was busy.
                options.log(
                  `note: ${current.target} #${current.start} made no progress for ${options.hangMs} ms but finished when re-run alone (a loaded machine?); not counted as a failure`,
                );
              }
              const s = stats.get(message.target)!;
              s.tried += message.tried;
              s.ok += message.ok;
              s.err += message.err;
              s.failures += message.failures;
              s.ms += message.ms;
              if (message.stoppedEarly) stoppedByTime = true;
              current = undefined;
              next();
              break;
            }
          }
        });
        worker.on('error', (error) => {
          const code = (error as NodeJS.ErrnoException).code;
          finish({
            kind: 'crash',
            error: `worker died: ${code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (heap limit ${options.maxOldGenerationSizeMb} MiB)` : ''} ${error.stack ?? String(error)}`,
          });
        });
        worker.on('exit', (code) =>
          finish({ kind: 'crash', error: `worker exited with code ${code}` }),
        );
      });
      if (outcome.kind === 'idle') {
        await worker.terminate();
        return;
      }
      const busy = Atomics.load(control, SLOT_BUSY) === 1;
      const index = Atomics.load(control, SLOT_INDEX);
      const length = Atomics.load(control, SLOT_LENGTH);
      await worker.terminate();
      if (!current) {
        // Died outside a batch: nothing to attribute, give up on this slot.
        options.log(`worker ${slot}: ${outcome.error}`);
        return;
      }
      const batch: Task = current;
      if (busy && index >= batch.start && index < batch.end) {
        const input = Buffer.from(new Uint8Array(sab, HEADER_BYTES, length));
        const s = stats.get(batch.target)!;
        // Inputs of the batch before this one are counted as tried, without an ok/err split.
        s.tried += index - batch.start;
        s.ok += index - batch.start;
        const rest =
          index + 1 < batch.end ? { ...batch, start: index + 1, confirm: undefined } : undefined;
        if (rest) queue.unshift(rest);
        if (outcome.kind === 'hang' && !batch.confirm) {
          // Re-run the input alone, with a longer limit, before calling it a hang.
          queue.unshift({
            ...batch,
            start: index,
            end: index + 1,
            deadline: Number.MAX_SAFE_INTEGER,
            confirm: input,
          });
        } else {
          record(batch.target, index, outcome.kind, outcome.error, input);
          s.tried += 1;
          s.failures += 1;
        }
        current = undefined;
      } else {
        options.log(`worker ${slot}: ${outcome.error} (not while running an input)`);
        record(batch.target, batch.start, outcome.kind, outcome.error, Buffer.alloc(0));
        current = undefined;
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, (_, i) => runSlot(i)));
  const totalTried = [...stats.values()].reduce((sum, s) => sum + s.tried, 0);
  return {
    stats,
    failures,
    totalTried,
    planned,
    seconds: (Date.now() - started) / 1000,
    stoppedByTime,
  };
}

/** The per-target table and the closing line. */
export function formatReport(report: FuzzReport): string {
  const rows = [['target', 'inputs', 'ok', 'typed err', 'failures', 'inputs/s']];
  for (const [name, s] of report.stats) {
    rows.push([
      name,
      String(s.tried),
      String(s.ok),
      String(s.err),
      String(s.failures),
      s.ms > 0 ? String(Math.round((s.tried * 1000) / s.ms)) : '-',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(
    `fuzz: ${report.totalTried} inputs, ${report.failures.length} failures, ${report.seconds.toFixed(1)} s`,
  );
  return lines.join('\n');
}
