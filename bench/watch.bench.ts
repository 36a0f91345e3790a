/**
 * Cost of `rndc-js watch` beside a real named serving 1,000 zones (BENCH_WATCH_ZONES): the
 * watcher runs as its own process (dist/cli.cjs, as operators run it) and is scraped every 15 s
 * (BENCH_WATCH_INTERVAL_S) BENCH_WATCH_SCRAPES times (default 4), once with served serials from
 * `zonestatus` over the control channel and once from the statistics channel. Prints the scrape
 * durations, the watcher's RSS (VmRSS) and its CPU use over the run (% of one core).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNamed } from '../src/testing/index.js';
import { freePort } from '../src/testing/ports.js';

const zoneCount = Number(process.env.BENCH_WATCH_ZONES ?? 1000);
const scrapes = Number(process.env.BENCH_WATCH_SCRAPES ?? 4);
const intervalS = Number(process.env.BENCH_WATCH_INTERVAL_S ?? 15);
const CLK_TCK = 100;
/** Extra node arguments of the watcher process (`--cpu-prof`, `--heapsnapshot-signal=SIGUSR2`). */
const nodeArgs = (process.env.BENCH_WATCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** More `watch` arguments (`--v8-defaults`). */
const watchArgs = (process.env.BENCH_WATCH_ARGS ?? '').split(' ').filter(Boolean);
/** `zonestatus` or `statistics`: run only that source. */
const only = process.env.BENCH_WATCH_ONLY;

const statsPort = await freePort();
const named = await startNamed({
  zones: Array.from({ length: zoneCount }, (_, i) => ({
    name: `z${i}.bench.test`,
    kind: i % 2 === 0 ? ('dynamic' as const) : ('static' as const),
  })),
  extraConfig: `statistics-channels { inet 127.0.0.1 port ${statsPort} allow { 127.0.0.1; }; };`,
  startTimeoutMs: 120_000,
});

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
/**
 * Resident memory in MiB: all of it (VmRSS), the process's own (RssAnon: heap, JIT code, buffers)
 * and the file-backed pages (RssFile: mostly the node executable's own code and data, shared with
 * every Node process on the machine).
 */
function memory(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024 };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(label: string, extra: string[]): Promise<void> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      join(import.meta.dirname, '../dist/cli.cjs'),
      '-c',
      named.rndcConfFile(),
      'watch',
      '--listen',
      `127.0.0.1:${port}`,
      ...extra,
      ...watchArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const pid = child.pid!;
  try {
    const deadline = Date.now() + 120_000;
    while (!stderr.includes('watching')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`watch: ${stderr}`);
      await sleep(50);
    }
    const durations: number[] = [];
    const ticks0 = cpuTicks(pid);
    const t0 = performance.now();
    // Resident memory sampled every 50 ms (its peak: what a memory limit must allow) and just
    // before each scrape after the first (what the watcher holds while it idles).
    let maxRss = 0;
    let maxAnon = 0;
    let file = 0;
    let idleRss = 0;
    let idleAnon = 0;
    const sample = () => {
      const m = memory(pid);
      maxRss = Math.max(maxRss, m.rss);
      maxAnon = Math.max(maxAnon, m.anon);
      file = m.file;
      return m;
    };
    const sampler = setInterval(sample, 50);
    let lines = 0;
    try {
      for (let i = 0; i < scrapes; i++) {
        if (i > 0) {
          const m = sample();
          idleRss = Math.max(idleRss, m.rss);
          idleAnon = Math.max(idleAnon, m.anon);
        }
        const started = performance.now();
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        durations.push(performance.now() - started);
        lines = text.split('\n').filter((l) => l.startsWith('bind_zone_durable{')).length;
        sample();
        if (i < scrapes - 1) await sleep(intervalS * 1000 - (performance.now() - started));
      }
    } finally {
      clearInterval(sampler);
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = (cpuTicks(pid) - ticks0) / CLK_TCK;
    const sorted = [...durations].sort((a, b) => a - b);
    console.log(
      `  ${label}: ${lines} zones, scrape median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms (first ${durations[0]!.toFixed(0)} ms, max ${Math.max(...durations).toFixed(0)} ms), RSS peak ${maxRss.toFixed(1)} MiB (own ${maxAnon.toFixed(1)}, file-backed ${file.toFixed(1)}), between scrapes ${idleRss.toFixed(1)} MiB (own ${idleAnon.toFixed(1)}), CPU ${((100 * cpu) / wall).toFixed(2)} % of one core over ${wall.toFixed(0)} s`,
    );
  } finally {
    if (process.env.BENCH_WATCH_STDERR) console.log(stderr);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/**
 * The floor under the watcher's figures: a Node HTTP server that does nothing but answer, after
 * its first request (the watcher's first scrape) — its RSS, own and file-backed.
 */
async function baseline(): Promise<void> {
  const server =
    "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));";
  const child = spawn(process.execPath, ['-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) =>
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))),
    );
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    await sleep(200);
    const m = memory(child.pid!);
    console.log(
      `  baseline: an idle Node HTTP server after one request: RSS ${m.rss.toFixed(1)} MiB (own ${m.anon.toFixed(1)}, file-backed ${m.file.toFixed(1)})`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

try {
  console.log(
    `rndc-js watch, ${zoneCount} zones, ${scrapes} scrapes every ${intervalS} s (named ${named.version})`,
  );
  await baseline();
  if (only !== 'statistics') await run('zonestatus per zone', []);
  if (only !== 'zonestatus')
    await run('statistics channel  ', ['--statistics', `http://127.0.0.1:${statsPort}`]);
} finally {
  await named.stop();
}
