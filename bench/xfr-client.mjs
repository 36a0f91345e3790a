/**
 * The consuming process of the transfer benchmark (bench/xfr.bench.ts): transfers one zone with
 * this library and prints one JSON line — records (both SOAs counted, as dig and dnspython count
 * them), seconds (the transfer alone, as measured inside the process), the CPU seconds it took
 * and peak RSS (VmHWM).
 *
 * Run in its own process so the RSS is the client's own, and as users run the package: plain
 * JavaScript on the built package (dist/index.js; `npm run bench:xfr` builds it first), with no
 * TypeScript loader in the process. Through tsx the same transfer measured ≈ 60 MiB more peak RSS
 * (tsx's handling of the package's files, not the transfer) and more CPU (its keepNames transform
 * wraps every function it creates).
 * Usage: node bench/xfr-client.mjs PORT ZONE [KEYNAME ALGORITHM] (the secret in $BENCH_KEY_SECRET).
 */
import { readFileSync } from 'node:fs';
import { Key, receiveAxfr } from '../dist/index.js';

const [port, zone, keyName, algorithm] = process.argv.slice(2);
const key =
  keyName && algorithm
    ? Key.from({ name: keyName, algorithm, secret: process.env.BENCH_KEY_SECRET ?? '' }).unwrap()
    : undefined;

/** Counts the records of one transfer through the callback API. */
async function countWithCallback() {
  let records = 0;
  const summary = await receiveAxfr({
    host: '127.0.0.1',
    port: Number(port),
    zone,
    key,
    timeoutMs: 600_000,
    onRecords: (batch) => {
      records += batch.length;
    },
  });
  // receiveAxfr leaves the closing SOA out of what it hands on.
  return summary.unwrap().records === records ? records + 1 : Number.NaN;
}

// The one line to change to bench another client API (e.g. the async iterator: a function
// doing `for await (const record of transfer(…)) records++` the same way).
const count = countWithCallback;

const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const records = await count();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(
  JSON.stringify({
    records,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssKiB: Number(hwm),
  }),
);
