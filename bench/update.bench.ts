/**
 * Signed (hmac-sha256) single-record UPDATEs on one throwaway named, every contender in the same
 * run, interleaved round after round (raw, UpdateClient, nsupdate, dnspython, raw, …) so that a
 * change of load on the machine cannot decide a ratio: ratios are taken within a round, and the
 * report gives their median and range over the rounds.
 *
 * - named's capacity: `raw` sends signed messages built before the clock starts, 64 in flight,
 *   and only matches replies by ID (bench/update-client.ts). Also named's own CPU per update
 *   from /proc/<pid>/stat during each contender's run.
 * - UpdateClient in a fresh Node process per round: client CPU per update over its first 2,000
 *   updates (JIT warm-up included) and warm, the 64-in-flight rate cold and warm, one-at-a-time
 *   latency (median, p95).
 * - `nsupdate` (one process, a script of `update add` + `send`, one update at a time) and
 *   Debian's python3-dnspython (one process, one at a time).
 *
 * Every record every contender added is checked afterwards by AXFR.
 * Usage: `npm run bench:update`; env BENCH_ROUNDS (default 3), BENCH_UPDATES (per contender and
 * round, default 2,000), BENCH_DIR (zone directory; default /dev/shm), BENCH_PROFILE (a
 * directory: the client processes run with `--cpu-prof` and write their profiles there).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runBinary, startNamed } from '../src/testing/index.js';
import { address, type ClientFigures, type ClientJob } from './update-client.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const count = Number(process.env.BENCH_UPDATES ?? 2000);
const inFlight = 64;
const warmup = 6000;
const serialCount = 1000;
const profileDir = process.env.BENCH_PROFILE;
const contenders = ['raw', 'client', 'nsupdate', 'dnspython'] as const;
type Contender = (typeof contenders)[number];
const zoneOf = (c: Contender) => `${c}.bench`;

// named commits (and fsyncs) its journal once per update, whoever sends it; on a disk that caps
// every client at the disk's fsync rate. The zones live on tmpfs when the machine has one, so
// the clients are what is measured. BENCH_DIR overrides (e.g. a disk directory, to see the cap).
const baseDir = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined);
const named = await startNamed({
  zones: contenders.map((c) => ({ name: zoneOf(c), kind: 'dynamic' as const })),
  ...(baseDir ? { baseDir } : {}),
});
const key = named.keys['hmac-sha256'];
const secret = key.secretBytes().toString('base64');
const keySpec = { name: key.name, algorithm: 'hmac-sha256', secret };
const ticks = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s on Linux

/** named's CPU so far (user + system), seconds. */
function namedCpu(): number {
  const stat = readFileSync(`/proc/${named.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

async function countRecords(zone: string): Promise<number> {
  const run = await runBinary(
    'dig',
    ['@127.0.0.1', '-p', String(named.dnsPort), zone, 'AXFR', '+short'],
    { timeoutMs: 60_000 },
  );
  return run.stdout.split('\n').filter((line) => /^10\./.test(line)).length;
}

function runChild(job: ClientJob): Promise<ClientFigures> {
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...flags, '--import', 'tsx', 'bench/update-client.ts', JSON.stringify(job)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as ClientFigures);
      else reject(new Error(`${job.mode} contender exited with ${code}`));
    });
  });
}

interface Round {
  rate: Partial<Record<Contender | 'clientWarm', number>>;
  /** CPU per update of the pre-built-message sender: what sending and receiving alone cost. */
  rawCpu?: number;
  namedMicros: Partial<Record<Contender | 'clientWarm', number>>;
  client?: ClientFigures;
  nsupdateMean?: number;
}

const sent: Record<Contender, number> = { raw: 0, client: 0, nsupdate: 0, dnspython: 0 };
const results: Round[] = [];

async function round(r: number): Promise<Round> {
  const result: Round = { rate: {}, namedMicros: {} };
  const prefix = `r${r}-h`;
  for (const contender of contenders) {
    const zone = zoneOf(contender);
    const cpuBefore = namedCpu();
    const started = process.hrtime.bigint();
    if (contender === 'raw' || contender === 'client') {
      const figures = await runChild({
        mode: contender,
        port: named.dnsPort,
        zone,
        key: keySpec,
        prefix,
        count,
        warmup,
        warm: count,
        serial: serialCount,
        inFlight,
      });
      sent[contender] += figures.sent;
      const namedSeconds = namedCpu() - cpuBefore;
      result.namedMicros[contender] = (namedSeconds / figures.sent) * 1e6;
      if (contender === 'raw') {
        result.rate.raw = figures.raw!.updates / figures.raw!.seconds;
        result.rawCpu = figures.raw!.cpuMicros;
      } else {
        result.client = figures;
        result.rate.client = figures.cold!.updates / figures.cold!.seconds;
        result.rate.clientWarm = figures.warm!.updates / figures.warm!.seconds;
      }
      continue;
    }
    if (contender === 'nsupdate') {
      const script = join(named.dir, `bench-${r}.nsupdate`);
      const lines = [`server 127.0.0.1 ${named.dnsPort}`, `zone ${zone}`];
      for (let i = 0; i < count; i++)
        lines.push(`update add ${prefix}${i}.${zone} 300 A ${address(i)}`, 'send');
      writeFileSync(script, `${lines.join('\n')}\n`);
      // More retries than nsupdate's default 3: on a loaded machine a reply can take longer than
      // its 4 × 3 s (seen on 9.18), and a resent add is idempotent.
      const args = ['-r', '20', '-y', `hmac-sha256:${key.name}:${secret}`, script];
      const run = await runBinary('nsupdate', args, {
        timeoutMs: 600_000,
      });
      if (run.exitCode !== 0) throw new Error(`nsupdate failed: ${run.stderr}`);
    } else {
      const run = await runBinary(
        '/usr/bin/python3',
        [
          'bench/update-dnspython.py',
          String(named.dnsPort),
          zone,
          key.name,
          'hmac-sha256',
          secret,
          String(count),
          prefix,
        ],
        { timeoutMs: 600_000 },
      );
      if (run.exitCode !== 0 || Number(run.stdout.trim()) !== count)
        throw new Error(`dnspython failed (apt-get install python3-dnspython): ${run.stderr}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    sent[contender] += count;
    result.rate[contender] = count / seconds;
    result.namedMicros[contender] = ((namedCpu() - cpuBefore) / count) * 1e6;
    if (contender === 'nsupdate') result.nsupdateMean = (seconds / count) * 1e6;
  }
  return result;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
};
/** `median (min–max)` of one figure over the rounds. */
const spread = (values: readonly number[], digits: number, unit = '') => {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(values))}${unit} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
};

try {
  for (let r = 0; r < rounds; r++) results.push(await round(r));
  for (const contender of contenders) {
    const present = await countRecords(zoneOf(contender));
    if (present !== sent[contender])
      throw new Error(`${contender}: ${present} of ${sent[contender]} records present`);
  }

  const per = <T>(f: (round: Round) => T) => results.map(f);
  const rate = (c: Contender | 'clientWarm') => per((r) => r.rate[c]!);
  const ratio = (a: Contender | 'clientWarm', b: Contender) => per((r) => r.rate[a]! / r.rate[b]!);
  const client = per((r) => r.client!);
  console.log(
    `signed (hmac-sha256) single-record UPDATEs: named ${named.version} on 127.0.0.1, ${availableParallelism()} cores, zones in ${baseDir ?? 'the default temp dir'}`,
  );
  console.log(
    `${rounds} interleaved rounds of ${count} updates per contender; median (min–max) over the rounds; ratios within a round`,
  );
  console.log(
    `named's capacity (pre-built signed messages, ${inFlight} in flight): ${spread(rate('raw'), 0)} updates/s; named CPU ${spread(
      per((r) => r.namedMicros.raw!),
      0,
      ' µs',
    )}/update`,
  );
  const row = (label: string, c: Contender | 'clientWarm') =>
    `${label.padEnd(40)} ${spread(rate(c), 0).padStart(20)} /s  ${spread(
      ratio(c, 'raw').map((v) => v * 100),
      0,
      '%',
    ).padStart(
      16,
    )} of capacity  ${spread(ratio(c, 'nsupdate'), 2, '×').padStart(20)} nsupdate  ${spread(
      ratio(c, 'dnspython'),
      2,
      '×',
    ).padStart(20)} dnspython`;
  console.log(row('nsupdate (one process, one at a time)', 'nsupdate'));
  console.log(row('dnspython (one process, one at a time)', 'dnspython'));
  console.log(row(`UpdateClient, ${inFlight} in flight, first ${count}`, 'client'));
  console.log(row(`UpdateClient, ${inFlight} in flight, warm`, 'clientWarm'));
  console.log(
    `UpdateClient CPU per update: first ${count} ${spread(
      client.map((c) => c.cold!.cpuMicros),
      1,
      ' µs',
    )}, warm (${inFlight} in flight) ${spread(
      client.map((c) => c.warm!.cpuMicros),
      1,
      ' µs',
    )}, one at a time ${spread(
      client.map((c) => c.serial!.cpuMicros),
      1,
      ' µs',
    )}; the pre-built-message sender (sockets and syscalls only) ${spread(
      per((r) => r.rawCpu!),
      1,
      ' µs',
    )}`,
  );
  const latencies = client.map((c) => c.serial!.latencies);
  const nsupdateMean = per((r) => r.nsupdateMean!);
  console.log(
    `one at a time (${serialCount}, warm): UpdateClient median ${spread(
      latencies.map((l) => median(l)),
      0,
      ' µs',
    )}, p95 ${spread(
      latencies.map((l) => percentile(l, 0.95)),
      0,
      ' µs',
    )}, mean ${spread(
      client.map((c) => (c.serial!.seconds / c.serial!.updates) * 1e6),
      0,
      ' µs',
    )}; nsupdate mean ${spread(nsupdateMean, 0, ' µs')} (its wall time / updates); UpdateClient median / nsupdate mean ${spread(
      results.map((r, i) => median(latencies[i]!) / r.nsupdateMean!),
      2,
      '×',
    )}`,
  );
  console.log(
    `named CPU per update while serving: ${contenders
      .map(
        (c) =>
          `${c} ${spread(
            per((r) => r.namedMicros[c]!),
            0,
            ' µs',
          )}`,
      )
      .join(', ')}`,
  );
  console.log(
    `AXFR check: ${contenders.map((c) => `${zoneOf(c)} ${sent[c]} records`).join(', ')} — all present`,
  );
} finally {
  await named.stop();
}
