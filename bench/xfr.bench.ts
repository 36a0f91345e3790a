/**
 * Zone transfer speed: records/s of this library's AXFR client against `dig +noall +answer AXFR`
 * and Debian's python3-dnspython (`dns.query.xfr`), all from the same throwaway named in the same
 * run, with the peak RSS of each consuming process. The zone has BENCH_XFR_RECORDS records
 * (default 1,000,000) of mixed types; the transfer is TSIG-signed (hmac-sha256, every message
 * verified) and, unless BENCH_XFR_UNSIGNED=0, also unsigned. BENCH_XFR_RUNS (default 1) runs
 * each client that many times and keeps its best run.
 * Usage: `npm run bench:xfr` (`BENCH_XFR_RECORDS=100000 npm run bench:xfr` for a quick run).
 * Our client runs in its own process (bench/xfr-client.ts) so that its RSS is its own; its
 * seconds are measured inside that process (transfer only), as dnspython's are
 * (bench/xfr-dnspython.py); dig's are its whole run (its start-up is a few milliseconds).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, runBinary, startNamed } from '../src/testing/index.js';

const total = Number(process.env.BENCH_XFR_RECORDS ?? 1_000_000);
const runs = Number(process.env.BENCH_XFR_RUNS ?? 1);
const unsigned = process.env.BENCH_XFR_UNSIGNED !== '0';
const zone = 'xfr.bench';

/** Record `i` of the zone (relative owner), a realistic mix of types and sizes. */
function record(i: number): string {
  const host = `host${i >> 1}`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return `${host} 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    case 3:
      return `${host} 300 AAAA 2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`;
    case 4:
      return `${host} 3600 TXT "v=spf1 ip4:10.${(i >> 16) & 255}.${(i >> 8) & 255}.0/24 -all" "id=${i}"`;
    case 5:
      return `${host} 3600 MX 10 mail${i % 1000}.${zone}.`;
    case 6:
      return `www${i} 300 CNAME host${i >> 1}.${zone}.`;
    case 7:
      return `_sip._tcp.${host} 300 SRV 10 60 5060 sip${i % 1000}.${zone}.`;
    case 8:
      return `${host} 3600 CAA 0 issue "letsencrypt.org"`;
    default:
      return `${host} 300 AAAA 2001:db8:${(i >> 16).toString(16)}::${(i & 0xffff).toString(16)}`;
  }
}

/** Writes the zone file: SOA, NS, the NS's address and `total - 3` generated records. */
async function writeZone(path: string): Promise<void> {
  const out = createWriteStream(path);
  const head = [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ 3600 SOA ns1.${zone}. hostmaster.${zone}. 2024010101 3600 900 604800 300`,
    `@ 3600 NS ns1.${zone}.`,
    'ns1 3600 A 127.0.0.1',
  ];
  let chunk = `${head.join('\n')}\n`;
  for (let i = 0; i < total - 3; i++) {
    chunk += `${record(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end(chunk, (error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

interface Run {
  /** Records received, both SOAs counted. */
  readonly records: number;
  readonly seconds: number;
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
  beforeStart: async ({ zones }) => writeZone(zones[0]!.path),
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
      '/usr/bin/time -f %M -o "$0" "$@" | wc -l',
      timeFile,
      findBinary('dig') ?? 'dig',
      ...digArgs,
    ]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRssKiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
    return { records: Number(lines.trim()), seconds, peakRssKiB };
  };
  const keyArgs = (signed: boolean) => (signed ? [key.name, 'hmac-sha256'] : []);
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
  const ours = async (signed: boolean): Promise<Run> =>
    JSON.parse(
      await run(
        process.execPath,
        [
          ...(process.env.BENCH_XFR_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          '--import',
          'tsx',
          'bench/xfr-client.ts',
          String(named.dnsPort),
          zone,
          ...keyArgs(signed),
        ],
        env,
      ),
    ) as Run;

  const best = async (name: string, measure: () => Promise<Run>): Promise<Run> => {
    let kept: Run | undefined;
    for (let i = 0; i < runs; i++) {
      const result = await measure();
      if (result.records !== expected)
        throw new Error(`${name}: ${result.records} records, expected ${expected}`);
      if (!kept || result.seconds < kept.seconds) kept = result;
    }
    return kept!;
  };

  console.log(
    `AXFR of a ${total.toLocaleString('en')}-record zone (mixed types), named ${named.version} on 127.0.0.1, best of ${runs}`,
  );
  for (const signed of unsigned ? [true, false] : [true]) {
    const digRun = await best('dig', () => dig(signed));
    const pythonRun = await best('dnspython', () => dnspython(signed));
    const ourRun = await best('receiveAxfr', () => ours(signed));
    const rate = (r: Run) => expected / r.seconds;
    const row = (label: string, r: Run) =>
      `  ${label.padEnd(30)} ${rate(r).toFixed(0).padStart(8)} records/s  ${r.seconds.toFixed(2).padStart(6)} s  peak RSS ${(r.peakRssKiB / 1024).toFixed(0).padStart(4)} MiB   ${(rate(r) / rate(digRun)).toFixed(2).padStart(5)}× dig  ${(rate(r) / rate(pythonRun)).toFixed(2).padStart(5)}× dnspython`;
    console.log(signed ? ' TSIG-signed (hmac-sha256):' : ' unsigned:');
    console.log(row('dig +noall +answer AXFR', digRun));
    console.log(row('dnspython dns.query.xfr', pythonRun));
    console.log(row('receiveAxfr (this library)', ourRun));
  }
} finally {
  await named.stop();
}
