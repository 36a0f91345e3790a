/**
 * `npm run fuzz` — fuzzes the parsers with random, mutated and structure-aware inputs.
 *
 *   node --import tsx fuzz/run.ts [--seed N] [--count N] [--time S] [--require-count]
 *        [--target a,b] [--workers N] [--hang-ms MS] [--max-old-mb MB] [--batch N]
 *        [--budget-ms MS] [--budget-ms-per-mib MS] [--targets-module PATH] [--regressions-dir DIR] [--list]
 *
 * Exit status: 0 when no input failed (and, with --require-count, all inputs ran before the
 * time bound), 1 otherwise, 2 for bad arguments.
 */
import { randomInt } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultWorkers, formatReport, runFuzz } from './engine.js';
import { FUZZ_DIR } from './lib/corpus.js';
import type { TimeBudget } from './protocol.js';
import type { FuzzTarget } from './targets/types.js';

const DEFAULT_COUNT = 1_000_000;
const DEFAULT_TIME = 240;
/**
 * Per-input time budget: 250 ms + 1000 ms per MiB (targets may scale it). The lexer needs
 * ~15 ms per MiB, the named-log target (which parses its input twice) ~60 ms; on a loaded
 * 2-core machine ten times that still passes. Quadratic work on the large adversarial inputs
 * (1 MiB of 16 KiB log lines, 4 MiB of `/**\/`) takes many seconds.
 */
const DEFAULT_BUDGET: TimeBudget = { baseMs: 250, msPerMiB: 1000 };

function parseCli() {
  return parseArgs({
    options: {
      seed: { type: 'string' },
      count: { type: 'string' },
      time: { type: 'string' },
      'require-count': { type: 'boolean' },
      target: { type: 'string', multiple: true },
      workers: { type: 'string' },
      'hang-ms': { type: 'string' },
      'max-old-mb': { type: 'string' },
      'budget-ms': { type: 'string' },
      'budget-ms-per-mib': { type: 'string' },
      batch: { type: 'string' },
      'targets-module': { type: 'string' },
      'regressions-dir': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }).values;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCli>;
  try {
    args = parseCli();
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    return 2;
  }
  if (args.help) {
    console.log(
      'usage: node --import tsx fuzz/run.ts [--seed N] [--count N] [--time S] [--require-count] [--target a,b] [--workers N] [--hang-ms MS] [--budget-ms MS] [--budget-ms-per-mib MS] [--list]',
    );
    return 0;
  }
  const number = (value: string | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`--${name} must be a non-negative number`);
    return parsed;
  };
  const targetsModulePath = args['targets-module']
    ? resolve(args['targets-module'])
    : join(FUZZ_DIR, 'targets', 'index.ts');
  const module = (await import(pathToFileURL(targetsModulePath).href)) as {
    targets: readonly FuzzTarget[];
  };
  if (args.list) {
    for (const t of module.targets) console.log(`${t.name}\tweight ${t.weight}`);
    return 0;
  }
  const wanted = (args.target ?? []).flatMap((t) => t.split(',')).filter((t) => t !== '');
  const unknown = wanted.filter((name) => !module.targets.some((t) => t.name === name));
  if (unknown.length > 0) {
    console.error(
      `fuzz: unknown target(s) ${unknown.join(', ')}; known: ${module.targets.map((t) => t.name).join(', ')}`,
    );
    return 2;
  }
  const chosen = module.targets.filter((t) => wanted.length === 0 || wanted.includes(t.name));
  let seed: number;
  let count: number;
  let time: number;
  let workers: number;
  let hangMs: number;
  let maxOld: number;
  let batch: number;
  let budget: TimeBudget;
  try {
    seed = args.seed === undefined ? randomInt(0, 2 ** 31) : number(args.seed, 0, 'seed') >>> 0;
    count = Math.floor(number(args.count, DEFAULT_COUNT, 'count'));
    time = number(args.time, DEFAULT_TIME, 'time');
    workers = Math.max(1, Math.floor(number(args.workers, defaultWorkers(), 'workers')));
    hangMs = number(args['hang-ms'], 5000, 'hang-ms');
    maxOld = number(args['max-old-mb'], 256, 'max-old-mb');
    batch = Math.max(1, Math.floor(number(args.batch, 5000, 'batch')));
    budget = {
      baseMs: number(args['budget-ms'], DEFAULT_BUDGET.baseMs, 'budget-ms'),
      msPerMiB: number(args['budget-ms-per-mib'], DEFAULT_BUDGET.msPerMiB, 'budget-ms-per-mib'),
    };
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    return 2;
  }
  const regressionsDir = args['regressions-dir']
    ? isAbsolute(args['regressions-dir'])
      ? args['regressions-dir']
      : resolve(args['regressions-dir'])
    : join(FUZZ_DIR, 'regressions');
  console.log(
    `fuzz: seed ${seed} (rerun with --seed ${seed}), ${count} inputs over ${chosen.length} targets, at most ${time} s, ${workers} workers`,
  );
  const report = await runFuzz({
    seed,
    count,
    timeSeconds: time,
    targets: new Map(chosen.map((t) => [t.name, t.weight])),
    targetsModule: pathToFileURL(targetsModulePath).href,
    workers,
    hangMs,
    maxOldGenerationSizeMb: maxOld,
    maxAllocationBytes: 16 * 1024 * 1024,
    budget,
    batchSize: batch,
    regressionsDir,
    savePerSignature: 3,
    log: (line) => console.log(line),
  });
  console.log(formatReport(report));
  if (report.stoppedByTime) {
    console.log(
      `fuzz: stopped at the time bound (${time} s) after ${report.totalTried} of ${report.planned} inputs`,
    );
  }
  if (report.failures.length > 0) return 1;
  if (args['require-count'] && report.totalTried < report.planned) {
    console.log(`fuzz: --require-count: only ${report.totalTried} of ${report.planned} inputs ran`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
