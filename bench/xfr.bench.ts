/**
 * Zone transfer speed: records/s of this library's AXFR client against `dig +noall +answer AXFR`
 * and Debian's python3-dnspython (`dns.query.xfr`), all from the same throwaway named in the same
 * run, with the peak RSS of each consuming process. The zone has BENCH_XFR_RECORDS records
 * (default 1,000,000) of mixed types; the transfer is TSIG-signed (hmac-sha256, every message
 * verified) and, unless BENCH_XFR_UNSIGNED=0, also unsigned. BENCH_XFR_RUNS (default 3) runs
 * dig and our client that many times, taking turns, and keeps each one's best run (dnspython,
 * an order of magnitude slower, runs once).
 * The first line, named's pace, is a reader that sends the same query and throws the answer away
 * unread (bench/xfr-raw.ts): no client can be faster, so a client at about 1.00× of it is limited
 * by named, not by itself, and the ratios between such clients are within named's own variation.
 * Usage: `npm run bench:xfr` (`BENCH_XFR_RECORDS=100000 npm run bench:xfr` for a quick run).
 * Our client runs in its own process (bench/xfr-client.mjs, on the built package) so that its RSS is its own; its
 * seconds are measured inside that process (transfer only), as dnspython's are
 * (bench/xfr-dnspython.py); dig's are its whole run (its start-up is a few milliseconds).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, runBinary, startNamed } from '../src/testing/index.js';
import { writeZone } from './xfr-zone.js';

const total = Number(process.env.BENCH_XFR_RECORDS ?? 1_000_000);
const runs = Number(process.env.BENCH_XFR_RUNS ?? 3);
const unsigned = process.env.BENCH_XFR_UNSIGNED !== '0';
// While profiling: BENCH_XFR_CLIENTS=ours BENCH_XFR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const clients = (process.env.BENCH_XFR_CLIENTS ?? 'named,dig,dnspython,ours').split(',');
// A second tree to run the client from, in the same run (before/after a change): its
// bench/xfr-client.mjs on its dist/ when it has one, else (older trees) its bench/xfr-client.ts
// through tsx.
const compare = process.env.BENCH_XFR_COMPARE;
const zone = 'xfr.bench';

interface Run {
  /** Records received, both SOAs counted. */
  readonly records: number;
  readonly seconds: number;
  /** User + system CPU seconds of the consuming process. */
  readonly cpuSeconds: number;
  readonly peakRssKiB: number;
}

/** Runs `command`, returning its stdout; fails on a non-zero exit. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

const baseDir = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined);
const named = await startNamed({
  zones: [
    { name: zone, kind: 'static', options: 'allow-transfer { key "rndc-sha256"; 127.0.0.1; };' },
  ],
  ...(baseDir ? { baseDir } : {}),
  startTimeoutMs: 600_000,
  beforeStart: async ({ zones }) => writeZone(zones[0]!.path, zone, total),
});
const key = named.keys['hmac-sha256'];
const secret = key.secretBytes().toString('base64');
const expected = total + 1;

try {
  const soa = await runBinary('dig', [
    '@127.0.0.1',
    '-p',
    String(named.dnsPort),
    zone,
    'SOA',
    '+short',
  ]);
  if (!soa.stdout.includes('2024010101')) throw new Error(`the zone did not load: ${soa.stdout}`);

  const dig = async (signed: boolean): Promise<Run> => {
    const timeFile = join(named.dir, 'dig.time');
    const digArgs = [
      '@127.0.0.1',
      '-p',
      String(named.dnsPort),
      ...(signed ? ['-y', `hmac-sha256:${key.name}:${secret}`] : []),
      '+noall',
      '+answer',
      zone,
      'AXFR',
    ];
    // dig's text goes to `wc -l` (memchr over a pipe: far cheaper than dig's own formatting).
    const started = process.hrtime.bigint();
    const lines = await run('sh', [
      '-c',
      '/usr/bin/time -f "%U %S %M" -o "$0" "$@" | wc -l',
      timeFile,
      findBinary('dig') ?? 'dig',
      ...digArgs,
    ]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [user, system, peakRssKiB] = readFileSync(timeFile, 'utf8')
      .trim()
      .split('\n')
      .at(-1)!
      .split(' ')
      .map(Number);
    return {
      records: Number(lines.trim()),
      seconds,
      cpuSeconds: user! + system!,
      peakRssKiB: peakRssKiB!,
    };
  };
  const keyArgs = (signed: boolean) => (signed ? [key.name, 'hmac-sha256'] : []);
  // named's pace: the same query, the answer read and thrown away (bench/xfr-raw.ts), stopping
  // at the answer's size, learnt once per query kind by reading until the server goes quiet.
  const answerBytes = new Map<boolean, number>();
  const raw = async (signed: boolean): Promise<Run> => {
    const script = ['--import', 'tsx', 'bench/xfr-raw.ts', String(named.dnsPort), zone];
    const args = [...script, String(expected), ...keyArgs(signed)];
    if (!answerBytes.has(signed)) {
      const { bytes } = JSON.parse(await run(process.execPath, args, env)) as { bytes: number };
      answerBytes.set(signed, bytes);
    }
    return JSON.parse(
      await run(process.execPath, args, {
        ...env,
        BENCH_EXPECTED_BYTES: String(answerBytes.get(signed)),
      }),
    ) as Run;
  };
  const env = { BENCH_KEY_SECRET: secret };
  const dnspython = async (signed: boolean): Promise<Run> =>
    JSON.parse(
      await run(
        '/usr/bin/python3',
        ['bench/xfr-dnspython.py', String(named.dnsPort), zone, ...keyArgs(signed)],
        env,
      ).catch((error) => {
        throw new Error(`dnspython failed (apt-get install python3-dnspython): ${error.message}`);
      }),
    ) as Run;
  const ours = async (signed: boolean, tree = '.'): Promise<Run> =>
    JSON.parse(
      await run(
        process.execPath,
        [
          ...(process.env.BENCH_XFR_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          ...(existsSync(join(tree, 'bench/xfr-client.mjs'))
            ? [join(tree, 'bench/xfr-client.mjs')]
            : ['--import', 'tsx', join(tree, 'bench/xfr-client.ts')]),
          String(named.dnsPort),
          zone,
          ...keyArgs(signed),
        ],
        env,
      ),
    ) as Run;

  // Round robin, so that a machine busy with something else slows every client alike; each
  // keeps its best run. dnspython (an order of magnitude slower) runs once.
  const contenders: {
    label: string;
    key: string;
    id?: string;
    runs: number;
    measure: (signed: boolean) => Promise<Run>;
  }[] = [
    { label: "named's pace (no parsing)", key: 'named', runs, measure: raw },
    { label: 'dig +noall +answer AXFR', key: 'dig', runs, measure: dig },
    { label: 'dnspython dns.query.xfr', key: 'dnspython', runs: 1, measure: dnspython },
    {
      label: 'receiveAxfr (this library)',
      key: 'ours',
      runs,
      measure: (signed: boolean) => ours(signed),
    },
    // Another checkout of this project (with its node_modules), e.g. before a change.
    ...(compare
      ? [
          {
            label: `receiveAxfr in ${compare}`,
            key: 'ours',
            id: 'compare',
            runs,
            measure: (signed: boolean) => ours(signed, compare),
          },
        ]
      : []),
  ].filter((c) => clients.includes(c.key));

  console.log(
    `AXFR of a ${total.toLocaleString('en')}-record zone (mixed types), named ${named.version} on 127.0.0.1, best of ${runs} (dnspython: 1)`,
  );
  for (const signed of unsigned ? [true, false] : [true]) {
    const kept = new Map<string, Run>();
    for (let round = 0; round < runs; round++) {
      for (const contender of contenders) {
        if (round >= contender.runs) continue;
        const result = await contender.measure(signed);
        if (result.records !== expected)
          throw new Error(`${contender.label}: ${result.records} records, expected ${expected}`);
        const id = contender.id ?? contender.key;
        const before = kept.get(id);
        if (!before || result.seconds < before.seconds) kept.set(id, result);
      }
    }
    const rate = (r: Run) => expected / r.seconds;
    const ratio = (r: Run, key: string) => {
      const base = kept.get(key);
      return base ? `${(rate(r) / rate(base)).toFixed(2).padStart(5)}× ${key}` : '';
    };
    console.log(signed ? ' TSIG-signed (hmac-sha256):' : ' unsigned:');
    for (const { label, key, id } of contenders) {
      const r = kept.get(id ?? key)!;
      console.log(
        `  ${label.padEnd(27)} ${rate(r).toFixed(0).padStart(7)} records/s ${r.seconds.toFixed(2).padStart(6)} s (CPU ${r.cpuSeconds.toFixed(2)} s)  peak RSS ${(r.peakRssKiB / 1024).toFixed(0).padStart(3)} MiB  ${ratio(r, 'dig')}  ${ratio(r, 'dnspython')}  ${ratio(r, 'named')}`,
      );
    }
  }
} finally {
  await named.stop();
}
