/**
 * Latency of a verified sync on a healthy 10,000-record zone: one signed update, then
 * `rndc.sync(zone, { verify })`, which returns once the file on disk holds the served serial.
 *
 * Two ways of waiting, interleaved in one run (A B B A …, so a change of load cannot decide the
 * comparison): `watch` (the default: the zone file's directory and the log are watched, and the
 * rename wakes the check) and `poll` (`watch: false`: a look every 100 ms). For each it prints
 * the call's median and spread, and how long after named's rename (the zone file's ctime, which
 * rename() sets on Linux) and after its last write (mtime; includes named's fsync before the
 * rename) the proof came back to the caller: median and p95. Next to them, a plain `rndc sync`
 * (which proves nothing) from the rndc binary on the same named. BENCH_SYNCS runs per way
 * (default 20); every run checks the verdict `written` and that the file's serial is the served
 * serial.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { RndcClient } from '../src/control/client.js';
import { runRndcBinary, startNamed } from '../src/testing/index.js';
import { UpdateClient } from '../src/update/client.js';
import { Update } from '../src/update/update.js';

const runs = Number(process.env.BENCH_SYNCS ?? 20);
const records = Array.from(
  { length: 10_000 },
  (_, i) => `h${i} 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
);
const named = await startNamed({ zones: [{ name: 'big.test', kind: 'dynamic', records }] });
const rndc = RndcClient.connect({
  port: named.controlPort,
  key: named.keys['hmac-sha256'],
  named: { log: named.logFile },
});
const updates = new UpdateClient({
  server: '127.0.0.1',
  port: named.dnsPort,
  key: named.keys['hmac-sha256'],
});
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const median = (values: number[]) => percentile(values, 0.5);

type Mode = 'watch' | 'poll';
interface Figures {
  readonly call: number[];
  readonly afterRename: number[];
  readonly afterWrite: number[];
}
const figures: Record<Mode, Figures> = {
  watch: { call: [], afterRename: [], afterWrite: [] },
  poll: { call: [], afterRename: [], afterWrite: [] },
};
let added = 0;
const addOne = async () => {
  added++;
  const name = `bench${added}`;
  (await updates.send(new Update('big.test').add(`${name} 300 A 192.0.2.${added % 250}`))).unwrap();
};

/** One timed verified sync after one update; checks the verdict and the serial on disk. */
async function timedSync(mode: Mode): Promise<void> {
  await addOne();
  const started = performance.now();
  const result = (await rndc.sync('big.test', { verify: { watch: mode === 'watch' } })).unwrap();
  const provedAt = Date.now();
  const elapsed = performance.now() - started;
  const dump = result.dump;
  if (dump?.verdict !== 'written') throw new Error(`${mode}: ${dump?.verdict} ${dump?.summary}`);
  if (dump.fileSerialAfter !== dump.servedSerial) throw new Error(`${mode}: ${dump.summary}`);
  const written = await stat(dump.zoneFile);
  figures[mode].call.push(elapsed);
  figures[mode].afterWrite.push(provedAt - written.mtimeMs);
  figures[mode].afterRename.push(provedAt - written.ctimeMs);
}

try {
  const plain: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order: Mode[] = i % 2 === 0 ? ['watch', 'poll'] : ['poll', 'watch'];
    for (const mode of order) await timedSync(mode);
    await addOne();
    const t0 = performance.now();
    const binary = await runRndcBinary(named, ['sync', 'big.test']);
    plain.push(performance.now() - t0);
    if (binary.exitCode !== 0) throw new Error(binary.stderr);
    // Let that asynchronous dump land before the next timed run, so each one has a change pending.
    (await rndc.sync('big.test', { verify: true })).unwrap();
  }
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(
    `verified sync of a 10,000-record zone after one update, ${runs} runs per way, interleaved (named ${named.version}, ${availableParallelism()} cores)`,
  );
  for (const mode of ['watch', 'poll'] as const) {
    const f = figures[mode];
    console.log(
      `  ${mode === 'watch' ? 'watch (default)    ' : 'poll (watch: false)'}  call median ${ms(median(f.call))} (min ${ms(Math.min(...f.call))}, max ${ms(Math.max(...f.call))}); proof − rename (ctime) median ${ms(median(f.afterRename))}, p95 ${ms(percentile(f.afterRename, 0.95))}; proof − last write (mtime) median ${ms(median(f.afterWrite))}, p95 ${ms(percentile(f.afterWrite, 0.95))}`,
    );
  }
  console.log(`  rndc sync (binary, proves nothing)  median ${ms(median(plain))}`);
  console.log(
    `  watch / poll: call ${(median(figures.watch.call) / median(figures.poll.call)).toFixed(2)}×, proof − rename ${(median(figures.watch.afterRename) / median(figures.poll.afterRename)).toFixed(2)}×`,
  );
} finally {
  updates.close();
  await rndc.close();
  await named.stop();
}
