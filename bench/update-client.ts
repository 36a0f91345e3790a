/**
 * One contender of bench/update.bench.ts, run in its own (fresh) Node process so that what it
 * measures includes the JIT's warm-up. Reads its job from argv[2] (JSON), prints its figures as
 * one JSON line on stdout.
 *
 * - `client`: UpdateClient. 2,000 updates at 64 in flight in a process that has sent none
 *   (`cold`), more at 64 in flight until warm, 2,000 measured at 64 in flight (`warm`), then
 *   one at a time (`serial`: latency of each send).
 * - `raw`: named's own capacity — signed messages built before the clock starts (with this
 *   library's encoder and signer), sent 64 in flight over one UDP socket; a reply is only
 *   matched by ID and its RCODE checked, nothing else: the cheapest client there can be.
 *
 * CPU is `process.cpuUsage()` (user + system, every thread of the process: JIT and GC included)
 * around the sends only: loading modules is not counted.
 *
 * `client` runs the built package (dist/index.js, what users load: `npm run bench:update` builds
 * it first), not the TypeScript sources through tsx, whose transform adds a `__name(…)` call to
 * every function it creates (esbuild's keepNames) — a cost no user pays. `raw` needs internals
 * that the package does not export, and builds its messages before the clock starts, so it runs
 * from the sources.
 */
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Key } from '../src/keys/key.js';
import { UpdateClient } from '../src/update/client.js';
import { encodeUpdate } from '../src/update/message.js';
import { Name, parseName } from '../src/update/names.js';
import { signRequest } from '../src/update/tsig.js';
import { Update } from '../src/update/update.js';

/** The job, from the parent. */
export interface ClientJob {
  readonly mode: 'client' | 'raw';
  readonly port: number;
  readonly zone: string;
  readonly key: { readonly name: string; readonly algorithm: string; readonly secret: string };
  /** Owner names are `${prefix}${i}`. */
  readonly prefix: string;
  /** Updates measured cold (client) or sent (raw). */
  readonly count: number;
  /** client: updates sent between the cold and the warm measurements. */
  readonly warmup: number;
  /** client: updates measured warm, at 64 in flight. */
  readonly warm: number;
  /** client: updates sent one at a time. */
  readonly serial: number;
  readonly inFlight: number;
}

/** One measured phase. */
export interface Phase {
  readonly updates: number;
  readonly seconds: number;
  /** Start and end on the monotonic clock, µs (to cut a `--cpu-prof` profile into phases). */
  readonly span: readonly [number, number];
  /** Client CPU (user + system) per update, microseconds. */
  readonly cpuMicros: number;
}

/** What the child prints. */
export interface ClientFigures {
  readonly cold?: Phase;
  readonly warm?: Phase;
  readonly serial?: Phase & { readonly latencies: readonly number[] };
  readonly raw?: Phase;
  /** Updates sent in all (each adds one distinct A record). */
  readonly sent: number;
}

export const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function phase(updates: number, body: () => Promise<void>): Promise<Phase> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await body();
  const ended = process.hrtime.bigint();
  const used = process.cpuUsage(cpu);
  return {
    updates,
    seconds: Number(ended - started) / 1e9,
    cpuMicros: (used.user + used.system) / updates,
    span: [Number(started / 1000n), Number(ended / 1000n)],
  };
}

/** The built package when there is one (see above), else the sources. */
async function publicApi(): Promise<
  Pick<typeof import('../src/index.js'), 'Key' | 'UpdateClient' | 'Update'>
> {
  const built = new URL('../dist/index.js', import.meta.url);
  if (existsSync(built)) return (await import(built.href)) as typeof import('../src/index.js');
  process.stderr.write(
    'update-client: dist/index.js not built, measuring the sources through tsx\n',
  );
  return { Key, UpdateClient, Update };
}

async function runClient(job: ClientJob): Promise<ClientFigures> {
  const { Key, UpdateClient, Update } = await publicApi();
  const key = Key.from(job.key).unwrap();
  const client = new UpdateClient({ server: '127.0.0.1', port: job.port, key });
  let next = 0;
  const send = async (i: number) => {
    const update = new Update(job.zone).add({
      name: `${job.prefix}${i}`,
      ttl: 300,
      type: 'A',
      data: address(i),
    });
    (await client.send(update)).unwrap();
  };
  const parallel = (updates: number) => async () => {
    const end = next + updates;
    const worker = async () => {
      while (next < end) await send(next++);
    };
    await Promise.all(Array.from({ length: job.inFlight }, worker));
  };
  const cold = await phase(job.count, parallel(job.count));
  await parallel(job.warmup)();
  const warm = await phase(job.warm, parallel(job.warm));
  const latencies: number[] = [];
  const serial = await phase(job.serial, async () => {
    for (let i = 0; i < job.serial; i++) {
      const started = process.hrtime.bigint();
      await send(next++);
      latencies.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  });
  client.close();
  return { cold, warm, serial: { ...serial, latencies }, sent: next };
}

async function runRaw(job: ClientJob): Promise<ClientFigures> {
  const key = Key.from(job.key).unwrap();
  const zone = parseName(`${job.zone}.`, Name.root).unwrap();
  const time = Math.floor(Date.now() / 1000);
  const messages: Buffer[] = [];
  for (let i = 0; i < job.count; i++) {
    const update = new Update(job.zone).add(`${job.prefix}${i} 300 A ${address(i)}`);
    const message = update.toMessage(i & 0xffff, zone).unwrap();
    messages.push(signRequest(encodeUpdate(message), key, { time })!.message);
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(job.port, '127.0.0.1', resolve));
  const raw = await phase(job.count, async () => {
    let sent = 0;
    let answered = 0;
    await new Promise<void>((resolve, reject) => {
      // Nothing is resent: on loopback a lost datagram is a fault of the bench, not a figure.
      const guard = setTimeout(() => reject(new Error('raw sender: replies stopped')), 60_000);
      socket.on('message', (reply) => {
        if ((reply[3]! & 0xf) !== 0) reject(new Error(`raw sender: RCODE ${reply[3]! & 0xf}`));
        answered++;
        if (answered === job.count) {
          clearTimeout(guard);
          resolve();
        } else if (sent < job.count) socket.send(messages[sent++]!);
      });
      while (sent < Math.min(job.inFlight, job.count)) socket.send(messages[sent++]!);
    });
  });
  socket.close();
  return { raw, sent: job.count };
}

// Run as a script (the parent imports this module only for its types and `address`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = JSON.parse(process.argv[2]!) as ClientJob;
  const figures = job.mode === 'raw' ? await runRaw(job) : await runClient(job);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
