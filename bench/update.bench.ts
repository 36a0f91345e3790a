/**
 * Signed single-record UPDATEs per second: UpdateClient (one at a time, and 64 in flight) against
 * `nsupdate` (one process sending the same updates from a script) and Debian's python3-dnspython
 * (one process, one at a time), all on the same throwaway named in the same run. Each run adds
 * distinct records to its own zone; every record is checked afterwards by AXFR.
 * Usage: `npm run bench:update` (BENCH_UPDATES to change the count; default 10,000: fewer mostly measures JIT warm-up).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, startNamed } from '../src/testing/index.js';
import { UpdateClient } from '../src/update/client.js';
import { Update } from '../src/update/update.js';

const count = Number(process.env.BENCH_UPDATES ?? 10_000);
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const zones = ['nsupdate', 'dnspython', 'serial', 'parallel'].map((n) => `${n}.bench`);

// named commits (and fsyncs) its journal once per update, whoever sends it; on a disk that caps
// every client at the disk's fsync rate. The zones live on tmpfs when the machine has one, so
// the clients are what is measured. BENCH_DIR overrides (e.g. a disk directory, to see the cap).
const baseDir = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined);
const named = await startNamed({
  zones: zones.map((name) => ({ name, kind: 'dynamic' as const })),
  ...(baseDir ? { baseDir } : {}),
});
const key = named.keys['hmac-sha256'];
const secret = key.secretBytes().toString('base64');

async function countRecords(zone: string): Promise<number> {
  const run = await runBinary(
    'dig',
    ['@127.0.0.1', '-p', String(named.dnsPort), zone, 'AXFR', '+short'],
    { timeoutMs: 60_000 },
  );
  return run.stdout.split('\n').filter((line) => /^10\./.test(line)).length;
}

async function measure(name: string, zone: string, body: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const present = await countRecords(zone);
  if (present !== count) throw new Error(`${name}: ${present} of ${count} records present`);
  return count / seconds;
}

try {
  const script = join(named.dir, 'bench.nsupdate');
  const lines = [`server 127.0.0.1 ${named.dnsPort}`, `zone ${zones[0]}`];
  for (let i = 0; i < count; i++)
    lines.push(`update add h${i}.${zones[0]} 300 A ${address(i)}`, 'send');
  writeFileSync(script, `${lines.join('\n')}\n`);
  const nsupdateRate = await measure('nsupdate', zones[0]!, async () => {
    const run = await runBinary('nsupdate', ['-y', `hmac-sha256:${key.name}:${secret}`, script], {
      timeoutMs: 600_000,
    });
    if (run.exitCode !== 0) throw new Error(`nsupdate failed: ${run.stderr}`);
  });

  const python = '/usr/bin/python3';
  const dnspythonRate = await measure('dnspython', zones[1]!, async () => {
    const run = await runBinary(
      python,
      [
        'bench/update-dnspython.py',
        String(named.dnsPort),
        zones[1]!,
        key.name,
        'hmac-sha256',
        secret,
        String(count),
        'h',
      ],
      { timeoutMs: 600_000 },
    );
    if (run.exitCode !== 0)
      throw new Error(`dnspython failed (apt-get install python3-dnspython): ${run.stderr}`);
  });

  const client = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key });
  const serialRate = await measure('serial', zones[2]!, async () => {
    for (let i = 0; i < count; i++)
      (await client.send(new Update(zones[2]).add(`h${i} 300 A ${address(i)}`))).unwrap();
  });
  const parallelRate = await measure('parallel', zones[3]!, async () => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        (await client.send(new Update(zones[3]).add(`h${i} 300 A ${address(i)}`))).unwrap();
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
  });
  client.close();

  const row = (label: string, rate: number) =>
    `${label.padEnd(38)} ${rate.toFixed(0).padStart(7)} updates/s   ${(rate / nsupdateRate).toFixed(2).padStart(6)}× nsupdate   ${(rate / dnspythonRate).toFixed(2).padStart(6)}× dnspython`;
  console.log(
    `signed (hmac-sha256) single-record UPDATEs, ${count} each, named ${named.version} on 127.0.0.1, zones in ${baseDir ?? 'the default temp dir'}`,
  );
  console.log(row('nsupdate (one process, script)', nsupdateRate));
  console.log(row('dnspython (one process, sequential)', dnspythonRate));
  console.log(row('UpdateClient, one at a time', serialRate));
  console.log(row('UpdateClient, 64 in flight', parallelRate));
} finally {
  await named.stop();
}
