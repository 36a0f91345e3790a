/**
 * Control-channel throughput: RndcClient (one connection, and the default pool of 4) against the
 * `rndc` binary, all on the same throwaway named in the same run. Prints commands per second and
 * the ratios. Usage: `npm run bench` (env BENCH_BINARY_RUNS / BENCH_LIBRARY_RUNS to change sizes).
 */
import { RndcClient } from '../src/control/client.js';
import { runRndcBinary, startNamed } from '../src/testing/index.js';

const binaryRuns = Number(process.env.BENCH_BINARY_RUNS ?? 100);
const libraryRuns = Number(process.env.BENCH_LIBRARY_RUNS ?? 5000);
const command = process.env.BENCH_COMMAND ?? 'status';

async function timeIt(runs: number, body: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return runs / seconds;
}

const named = await startNamed();
try {
  // Warm up both paths once.
  await runRndcBinary(named, [command]);
  const single = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    maxConnections: 1,
  });
  const pooled = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  (await single.run(command)).unwrap();

  const binaryRate = await timeIt(binaryRuns, async () => {
    for (let i = 0; i < binaryRuns; i++) {
      const { exitCode } = await runRndcBinary(named, [command]);
      if (exitCode !== 0) throw new Error(`rndc ${command} failed`);
    }
  });
  const singleRate = await timeIt(libraryRuns, async () => {
    for (let i = 0; i < libraryRuns; i++) (await single.run(command)).unwrap();
  });
  const pooledRate = await timeIt(libraryRuns, async () => {
    let next = 0;
    const worker = async () => {
      while (next++ < libraryRuns) (await pooled.run(command)).unwrap();
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  });
  await single.close();
  await pooled.close();

  const row = (name: string, rate: number) =>
    `${name.padEnd(34)} ${rate.toFixed(0).padStart(8)} cmd/s   ${(rate / binaryRate).toFixed(1).padStart(6)}× rndc`;
  console.log(
    `control channel: '${command}' against a throwaway named ${named.version} on 127.0.0.1`,
  );
  console.log(row(`rndc binary (${binaryRuns} runs)`, binaryRate));
  console.log(row(`RndcClient, 1 connection (${libraryRuns})`, singleRate));
  console.log(row(`RndcClient, pool of 4 (${libraryRuns})`, pooledRate));
} finally {
  await named.stop();
}
