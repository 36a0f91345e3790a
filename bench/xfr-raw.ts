/**
 * named's own pace for the transfer benchmark (bench/xfr.bench.ts): sends the same AXFR query
 * (signed when a key is given, with this library's encoder and signer) and reads the answer
 * without looking at it — no parsing, no TSIG check, no records — until `EXPECTED_BYTES` have
 * arrived. No client can finish sooner than this one, so it shows where the server, not the
 * client, sets the rate. Prints the same JSON line as bench/xfr-client.mjs (`records` is the
 * count it was told to expect, for the bench's check).
 *
 * Without BENCH_EXPECTED_BYTES it calibrates instead: reads until the server has sent nothing for
 * one second and prints `{"bytes": N}`.
 * Usage: node --import tsx bench/xfr-raw.ts PORT ZONE RECORDS [KEYNAME ALGORITHM]
 * (the secret in $BENCH_KEY_SECRET).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Key } from '../src/keys/key.js';
import { encodeQuery } from '../src/update/message.js';
import { Name, parseName } from '../src/update/names.js';
import { signRequest } from '../src/update/tsig.js';

const [port, zone, records, keyName, algorithm] = process.argv.slice(2);
const expected = process.env.BENCH_EXPECTED_BYTES ? Number(process.env.BENCH_EXPECTED_BYTES) : 0;
const key =
  keyName && algorithm
    ? Key.from({ name: keyName, algorithm, secret: process.env.BENCH_KEY_SECRET ?? '' }).unwrap()
    : undefined;
const unsigned = encodeQuery(0x4242, parseName(`${zone}.`, Name.root).unwrap(), 252, false);
const query = key
  ? signRequest(unsigned, key, { time: Math.floor(Date.now() / 1000) })!.message
  : unsigned;
const frame = Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query]);

const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const bytes = await new Promise<number>((resolve, reject) => {
  let received = 0;
  let quiet: NodeJS.Timeout | undefined;
  const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => socket.write(frame));
  const done = () => {
    clearTimeout(quiet);
    socket.destroy();
    resolve(received);
  };
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (expected > 0 && received >= expected) done();
    else if (expected === 0) {
      clearTimeout(quiet);
      quiet = setTimeout(done, 1000);
    }
  });
  socket.on('error', reject);
  socket.on('close', () => (received >= expected ? done() : reject(new Error('closed early'))));
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(
  JSON.stringify(
    expected === 0
      ? { bytes }
      : {
          records: bytes === expected ? Number(records) : Number.NaN,
          seconds,
          cpuSeconds: (used.user + used.system) / 1e6,
          peakRssKiB: Number(hwm),
        },
  ),
);
