// The control channel against each BIND version (RNDC_BIND_VERSION=9.16|9.18|9.20): the client
// learns the version from one authenticated `status` per connection, and only when a command
// needs it; a command the version lacks is refused before it is sent (named's log is the
// witness that nothing arrived); every line of that version's status and zonestatus lands in a
// typed field; `rndc-js -r` names result numbers as that version's rndc does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { RndcClient } from '../../src/control/client.js';
import { parseServerStatus, parseZoneStatus } from '../../src/control/parse.js';
import { type NamedInstance, runRndcBinary, startNamed } from '../../src/testing/index.js';
import { fakeIo } from '../helpers/cli-io.js';
import { untypedStatusLines, untypedZoneLines } from '../helpers/status-lines.js';
import { startTamperProxy, type TamperProxy } from '../helpers/tamper-proxy.js';

let named: NamedInstance;
let series: string;
let proxy: TamperProxy;
/** Every command line that crossed the wire through the proxy, with its connection. */
const wire: { connection: number; command: string }[] = [];
const clients: RndcClient[] = [];

/** `_data.type` of a request frame (the command line), read independently of the library. */
function commandOf(frame: Buffer): string {
  const marker = Buffer.from([4, ...Buffer.from('type'), 1]);
  const at = frame.indexOf(marker);
  if (at < 0) return '';
  const length = frame.readUInt32BE(at + marker.length);
  const start = at + marker.length + 4;
  return frame.subarray(start, start + length).toString('utf8');
}

/** Commands sent on the wire since `mark` (an index into `wire`), handshakes (`null`) left out. */
function sentSince(mark: number): string[] {
  return wire
    .slice(mark)
    .map((w) => w.command)
    .filter((c) => c !== 'null');
}

beforeAll(async () => {
  named = await startNamed({
    zones: [
      { name: 'dyn.test', kind: 'dynamic' },
      { name: 'static.test', kind: 'static' },
      { name: 'signed.test', kind: 'inline-signing' },
    ],
  });
  series = named.bindVersion ?? '9.18';
  proxy = await startTamperProxy(
    named.controlPort,
    (frame) => frame,
    (frame, _index, connection) => {
      wire.push({ connection, command: commandOf(frame) });
      return 'forward';
    },
  );
  console.log(`bind-versions-control: named ${named.version} (series ${series})`);
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await proxy?.close();
  await named?.stop();
});

function client(maxConnections = 1): RndcClient {
  const made = RndcClient.connect({
    port: proxy.port,
    key: named.keys['hmac-sha256'],
    maxConnections,
  });
  clients.push(made);
  return made;
}

/** Lines this version lacks (refused before sending) and lines it has (sent to named). */
const REMOVED_IN_920 = ['tsig-list', 'tsig-delete no-such-key', 'timerpoke'];
const ADDED_IN_920 = [
  'fetchlimit',
  'responselog off',
  'reset-stats recursive-high-water',
  'retransfer -force dyn.test',
  'dnssec -step signed.test',
];

describe('the server version', () => {
  it('serverVersion() matches the named this run started; one status per connection, then cached', async () => {
    const rndc = client();
    const mark = wire.length;
    const version = (await rndc.serverVersion()).unwrap();
    expect(version.series).toBe(series);
    expect(version.text).toMatch(new RegExp(`^BIND ${version.number.replaceAll('.', '\\.')}`));
    expect((await rndc.serverVersion()).unwrap()).toEqual(version);
    // A version-dependent command on the same connection needs no second status.
    const dependent = series === '9.20' ? 'fetchlimit' : 'tsig-list';
    expect((await rndc.run(dependent)).isOk()).toBe(true);
    expect(sentSince(mark)).toEqual(['status', dependent]);
  });

  it('a version-dependent command on a fresh connection: one status first, on that connection', async () => {
    const rndc = client();
    const mark = wire.length;
    const dependent = series === '9.20' ? 'fetchlimit' : 'tsig-list';
    const reply = (await rndc.run(dependent)).unwrap();
    expect(reply.serverVersion?.series).toBe(series);
    expect((await rndc.run(dependent)).isOk()).toBe(true);
    expect(sentSince(mark)).toEqual(['status', dependent, dependent]);
    expect(new Set(wire.slice(mark).map((w) => w.connection)).size).toBe(1);
  });

  it('commands that are the same in every version send no status at all', async () => {
    const rndc = client();
    const mark = wire.length;
    expect((await rndc.zonestatus('dyn.test')).unwrap().name).toBe('dyn.test');
    expect((await rndc.run('reload static.test')).isOk()).toBe(true);
    expect(sentSince(mark)).toEqual(['zonestatus dyn.test', 'reload static.test']);
  });

  it('a status the caller asks for teaches the connection: serverVersion() then sends nothing', async () => {
    const rndc = client();
    const mark = wire.length;
    expect((await rndc.status()).unwrap().versionNumber).toMatch(
      new RegExp(`^${series.replace('.', '\\.')}\\.`),
    );
    expect((await rndc.serverVersion()).unwrap().series).toBe(series);
    expect(sentSince(mark)).toEqual(['status']);
  });
});

describe('commands this version lacks are refused before sending', () => {
  const lacking = () => (series === '9.20' ? REMOVED_IN_920 : ADDED_IN_920);
  const having = () => (series === '9.20' ? ADDED_IN_920 : REMOVED_IN_920);

  it('each line the version lacks: not-in-this-version naming the version, nothing sent', async () => {
    const rndc = client();
    const mark = wire.length;
    for (const line of lacking()) {
      const result = await rndc.run(line);
      const error = result.unwrapErr();
      expect(error.kind, line).toBe('not-in-this-version');
      expect(error.mayHaveRun).toBe(false);
      expect(error.response).toBeUndefined();
      expect(error.message).toMatch(
        new RegExp(`is not in BIND ${series.replace('.', '\\.')}\\.\\d+ `),
      );
      expect(error.message).toMatch(/it exists in BIND (before )?9\.20\.\d+/);
    }
    // The wire is the witness: one status, and none of those lines.
    expect(sentSince(mark)).toEqual(['status']);
  });

  it('each line the version has is sent, and named answers it itself', async () => {
    const rndc = client();
    const mark = wire.length;
    for (const line of having()) {
      const result = await rndc.run(line);
      if (result.isErr()) {
        expect(result.error.kind, `${line}: ${result.error.message}`).not.toBe(
          'not-in-this-version',
        );
        expect(result.error.response, line).toBeDefined();
      }
    }
    expect(sentSince(mark)).toEqual(['status', ...having()]);
  });
  it('typed methods too: tsigList() on 9.20, fetchlimit()/retransfer({force}) before it', async () => {
    const rndc = client();
    const refused = series === '9.20' ? await rndc.tsigList() : await rndc.fetchlimit();
    expect(refused.unwrapErr().kind).toBe('not-in-this-version');
    const forced = await rndc.retransfer('dyn.test', { force: true });
    if (series === '9.20')
      expect(forced.isErr() && forced.error.kind).not.toBe('not-in-this-version');
    else expect(forced.unwrapErr().kind).toBe('not-in-this-version');
  });

  it('rndc-js prints the refusal with the version and exits 1', async () => {
    const io = fakeIo();
    const line = series === '9.20' ? ['tsig-list'] : ['fetchlimit'];
    expect(await runCli(['-c', named.rndcConfFile(), ...line], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(
      new RegExp(`^rndc-js: .*'${line[0]}' is not in BIND ${series.replace('.', '\\.')}\\.\\d+ `),
    );
    expect(io.err()).toMatch(/Nothing was sent\./);
    expect(io.err()).toMatch(/remedy: /);
    const json = fakeIo();
    expect(await runCli(['-c', named.rndcConfFile(), '--json', ...line], json)).toBe(1);
    expect(JSON.parse(json.out()).error.kind).toBe('not-in-this-version');
  });
});

describe('every line this version prints is typed', () => {
  it('status, from rndc and from the client: nothing in extra, every line in its field', async () => {
    const binary = await runRndcBinary(named, ['status']);
    expect(binary.exitCode).toBe(0);
    expect(untypedStatusLines(binary.stdout, parseServerStatus(binary.stdout))).toEqual([]);
    const ours = (await client().status()).unwrap();
    expect(untypedStatusLines(ours.raw, ours)).toEqual([]);
    expect(ours.running).toBe(true);
    // The lines that differ between versions, each in its field.
    if (series === '9.20') {
      expect(ours).toMatchObject({ responseLogging: false, xfersFirstRefresh: 0 });
      expect(ours.memoryProfiling).toBeDefined();
      expect(ours.recursiveHighWater).toBeGreaterThanOrEqual(0);
      expect(ours.udpListenersPerInterface).toBeUndefined();
    } else {
      expect(ours.udpListenersPerInterface).toBeGreaterThan(0);
      expect(ours.responseLogging).toBeUndefined();
    }
  });

  it.each(['dyn.test', 'static.test', 'signed.test'])(
    'zonestatus %s: every line in its field',
    async (zone) => {
      const binary = await runRndcBinary(named, ['zonestatus', zone]);
      expect(binary.exitCode).toBe(0);
      expect(untypedZoneLines(binary.stdout, parseZoneStatus(binary.stdout))).toEqual([]);
      const ours = (await client().zonestatus(zone)).unwrap();
      expect(untypedZoneLines(ours.raw, ours)).toEqual([]);
      expect(ours.type).toBe('primary');
    },
  );
});

describe('rndc-js -r names results as this version’s rndc does', () => {
  it.each([
    ['frobnicate'],
    ['reload', 'dyn.test'],
    ['freeze', 'static.test'],
    ['zonestatus', 'nosuch.test'],
    ['zonestatus', 'dyn.test', 'BOGUS'],
  ])('-r %s', async (...words) => {
    const binary = await runRndcBinary(named, ['-r', ...words]);
    const io = fakeIo();
    const code = await runCli(['-c', named.rndcConfFile(), '-r', ...words], io);
    expect({ stdout: io.out(), exitCode: code }).toEqual({
      stdout: binary.stdout,
      exitCode: binary.exitCode,
    });
    expect(io.err()).toBe(binary.stderr.replaceAll(/^rndc:/gm, 'rndc-js:'));
  });

  it('--json gives the real identifier for that version', async () => {
    const io = fakeIo();
    expect(await runCli(['-c', named.rndcConfFile(), '--json', 'frobnicate'], io)).toBe(1);
    const reply = JSON.parse(io.out());
    expect(reply.resultName).toBe('DNS_R_UNKNOWNCOMMAND');
    expect(reply.result).toBe({ '9.16': 65635, '9.18': 172, '9.20': 173 }[series]);
  });
});
