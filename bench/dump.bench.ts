/**
 * Latency of a verified sync on a healthy 10,000-record zone: one signed update, then
 * `rndc.sync(zone, { verify: true })`, which returns once the file on disk holds the served serial.
 * Prints the median and the spread over BENCH_SYNCS runs (default 20), next to a plain
 * `rndc sync` (which proves nothing) from the rndc binary on the same named, and how long after
 * named's rename (the file's ctime) and its last write (mtime) the proof came: median and p95.
 */
import { stat } from 'node:fs/promises';
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
try {
  const verified: number[] = [];
  const plain: number[] = [];
  const afterWrite: number[] = [];
  const afterRename: number[] = [];
  for (let i = 0; i < runs; i++) {
    (await updates.send(new Update('big.test').add(`bench${i} 300 A 192.0.2.${i % 250}`))).unwrap();
    const started = performance.now();
    const result = (await rndc.sync('big.test', { verify: true })).unwrap();
    const provedAt = Date.now();
    verified.push(performance.now() - started);
    if (result.dump?.verdict !== 'written') throw new Error(`run ${i}: ${result.dump?.verdict}`);
    // The file's mtime is named's last write; named then syncs the temp file to disk and renames
    // it, and Linux sets the renamed inode's ctime: proof − ctime is the delay after the rename.
    const written = await stat(result.dump.zoneFile);
    afterWrite.push(provedAt - written.mtimeMs);
    afterRename.push(provedAt - written.ctimeMs);
    (await updates.send(new Update('big.test').add(`plain${i} 300 A 192.0.2.${i % 250}`))).unwrap();
    const t0 = performance.now();
    const binary = await runRndcBinary(named, ['sync', 'big.test']);
    plain.push(performance.now() - t0);
    if (binary.exitCode !== 0) throw new Error(binary.stderr);
    // Let that asynchronous dump land before the next timed run, so each one has a change pending.
    (await rndc.sync('big.test', { verify: true })).unwrap();
  }
  console.log(
    `verified sync of a 10,000-record zone after one update, ${runs} runs (named ${named.version})`,
  );
  console.log(
    `  rndc.sync(zone, { verify: true })  median ${median(verified).toFixed(1)} ms, min ${Math.min(...verified).toFixed(1)}, max ${Math.max(...verified).toFixed(1)}`,
  );
  console.log(`  rndc sync (binary, proves nothing)  median ${median(plain).toFixed(1)} ms`);
  console.log(
    `  proof after named's rename (proof time − zone file ctime)  median ${median(afterRename).toFixed(1)} ms, p95 ${percentile(afterRename, 0.95).toFixed(1)} ms`,
  );
  console.log(
    `  proof after named's last write (proof time − zone file mtime; includes named's fsync)  median ${median(afterWrite).toFixed(1)} ms, p95 ${percentile(afterWrite, 0.95).toFixed(1)} ms`,
  );
} finally {
  updates.close();
  await rndc.close();
  await named.stop();
}
