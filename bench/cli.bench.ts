/**
 * CLI cost per call: startup of `rndc-js status` against `node -e 0` and BIND's `rndc status`
 * (hyperfine-style: interleaved runs, medians), then batch mode (`rndc-js -`, one connection)
 * against one `rndc` process per command, all on the same throwaway named. Runs the built CLI
 * (dist/cli.cjs: `npm run build` first). `floor` (bench/cli-floor.cjs) is what any Node client of
 * the control channel must load and do (crypto with one HMAC, net, one connection), without the
 * protocol: the difference to `rndc-js status` is the tool's own cost. `library core`
 * (bench/cli-core.ts, bundled here into one minified file) is the package's control-channel code
 * with no CLI around it: the least the package's own code costs per call. Usage: `npm run bench:cli`
 * (env BENCH_CLI_RUNS, BENCH_BATCH_COMMANDS, BENCH_RNDC_COMMANDS to change sizes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { findBinary, startNamed } from '../src/testing/index.js';

const runs = Number(process.env.BENCH_CLI_RUNS ?? 30);
const batchCommands = Number(process.env.BENCH_BATCH_COMMANDS ?? 2000);
const rndcCommands = Number(process.env.BENCH_RNDC_COMMANDS ?? 100);
const cli = resolve(process.env.BENCH_CLI ?? 'dist/cli.cjs');
if (!existsSync(cli)) {
  console.error(`${cli} does not exist: run 'npm run build' first`);
  process.exit(2);
}

/** Wall time of one run, in milliseconds; throws when the program fails. */
function timeRun(cmd: string, args: readonly string[], input?: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

// bench/cli-core.ts in one minified CommonJS file with everything it imports (ts-results-es
// included): the package's control-channel code with nothing around it.
const coreDir = mkdtempSync(join(tmpdir(), 'rndc-cli-core-'));
const core = join(coreDir, 'cli-core.cjs');
await build({
  entryPoints: [resolve('bench/cli-core.ts')],
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: core,
  logLevel: 'error',
  // log.ts finds `debug` next to itself with import.meta.url, which CommonJS lacks.
  define: { 'import.meta.url': '__rndcCoreUrl' },
  banner: { js: "const __rndcCoreUrl = require('node:url').pathToFileURL(__filename).href;" },
});

const named = await startNamed();
try {
  const rndc = findBinary('rndc', named.bindVersion ? { version: named.bindVersion } : {});
  if (!rndc) throw new Error('rndc not found');
  const conf = named.rndcConfFile();
  const target = ['-c', conf, '-s', '127.0.0.1', '-p', String(named.controlPort)];
  const contenders: { name: string; cmd: string; args: string[]; times: number[] }[] = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], times: [] },
    { name: 'rndc-js status', cmd: process.execPath, args: [cli, ...target, 'status'], times: [] },
    { name: 'rndc status', cmd: rndc, args: [...target, 'status'], times: [] },
    {
      name: 'floor',
      cmd: process.execPath,
      args: [resolve('bench/cli-floor.cjs'), conf, String(named.controlPort)],
      times: [],
    },
    {
      name: 'library core',
      cmd: process.execPath,
      args: [core, conf, '127.0.0.1', String(named.controlPort), 'status'],
      times: [],
    },
  ];
  // Another build of the CLI to compare with (a copy of an earlier dist/ inside the checkout).
  const compare = process.env.BENCH_CLI_COMPARE;
  if (compare) {
    const args = [resolve(compare), ...target, 'status'];
    contenders.push({ name: 'compare status', cmd: process.execPath, args, times: [] });
  }
  // One warm-up run each (page cache), then interleaved runs so load spikes hit all alike.
  for (const c of contenders) timeRun(c.cmd, c.args);
  for (let i = 0; i < runs; i++) for (const c of contenders) c.times.push(timeRun(c.cmd, c.args));
  const [node, ours, theirs, floor, coreOnly] = contenders
    .slice(0, 5)
    .map((c) => median(c.times)) as [number, number, number, number, number];
  // Wall times on a busy machine are not comparable with a quiet one's: say how busy it was.
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `CLI startup: median of ${runs} interleaved runs, named ${named.version} on 127.0.0.1 (load average ${load})`,
  );
  for (const c of contenders) {
    console.log(`  ${c.name.padEnd(16)} ${median(c.times).toFixed(1).padStart(7)} ms`);
  }
  console.log(
    `  rndc-js status − node -e 0: ${(ours - node).toFixed(1)} ms; rndc-js/node ${(ours / node).toFixed(2)}×; rndc-js/rndc ${(ours / theirs).toFixed(2)}×`,
  );
  // What any Node control-channel client pays (crypto, net, a connection: bench/cli-floor.cjs),
  // and what is left for rndc-js itself.
  console.log(
    `  floor − node -e 0: ${(floor - node).toFixed(1)} ms; rndc-js status − floor: ${(ours - floor).toFixed(1)} ms; library core − floor: ${(coreOnly - floor).toFixed(1)} ms`,
  );

  // Batch mode: N commands over one connection, against one rndc process per command.
  const input = 'status\n'.repeat(batchCommands);
  const batchMs = timeRun(process.execPath, [cli, ...target, '-'], input);
  let rndcMs = 0;
  for (let i = 0; i < rndcCommands; i++) rndcMs += timeRun(rndc, [...target, 'status']);
  const batchRate = batchCommands / (batchMs / 1000);
  const rndcRate = rndcCommands / (rndcMs / 1000);
  console.log(`batch: 'status' × N`);
  console.log(
    `  rndc-js - (${batchCommands} lines, 1 process) ${batchRate.toFixed(0).padStart(7)} cmd/s`,
  );
  console.log(
    `  rndc, 1 process each (${rndcCommands})    ${rndcRate.toFixed(0).padStart(7)} cmd/s`,
  );
  console.log(`  batch/rndc ${(batchRate / rndcRate).toFixed(1)}×`);
} finally {
  await named.stop();
  rmSync(coreDir, { recursive: true, force: true });
}
