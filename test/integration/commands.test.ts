// Every typed method sends the command line we mean: named logs each one it receives
// ("received control channel command '…'"), so the log is the witness.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from 'ts-results-es';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { COMMANDS } from '../../src/control/commands.js';
import { RndcError, type RndcResponse } from '../../src/control/errors.js';
import type { DumpError } from '../../src/dump/errors.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';

let named: NamedInstance;
let rndc: RndcClient;

beforeAll(async () => {
  named = await startNamed();
  rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  writeFileSync(
    join(named.dir, 'zones', 'added.test.db'),
    '$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n',
  );
});

afterAll(async () => {
  await rndc?.close();
  await named?.stop();
});

/** The method name for each catalog word. */
const METHOD_FOR: Record<string, string> = {
  null: 'ping',
  'managed-keys': 'managedKeys',
  'serve-stale': 'serveStale',
  'tcp-timeouts': 'tcpTimeouts',
  'tsig-list': 'tsigList',
  'tsig-delete': 'tsigDelete',
  'dnstap-reopen': 'dnstapReopen',
  'reset-stats': 'resetStats',
  skr: 'skrImport',
};

/**
 * Lines of the list below that the running version does not have (the catalog's addedIn /
 * removedIn, control.h at each tag): the client refuses them with `not-in-this-version`.
 */
const ONLY_IN_920 = [
  'fetchlimit',
  'responselog off',
  'reset-stats recursive-high-water',
  'memprof off',
  'skr -import nosuch.skr dyn.test',
  'retransfer -force dyn.test',
  'dnssec -step dyn.test',
];
const GONE_IN_920 = ['timerpoke', 'tsig-list', 'tsig-delete no-such-key'];

it('every command of the catalog (BIND 9.16–9.20) has a typed method', () => {
  for (const { word } of COMMANDS) {
    const method = METHOD_FOR[word] ?? word;
    expect(typeof (rndc as unknown as Record<string, unknown>)[method], word).toBe('function');
  }
});

describe('typed methods send the right lines', () => {
  type Call = [string, () => Promise<Result<unknown, RndcError | DumpError>>];
  const calls: Call[] = [
    [
      'zonestatus dyn.test IN _default',
      () => rndc.zonestatus('dyn.test', { class: 'IN', view: '_default' }),
    ],
    ['zonestatus dyn.test CH', () => rndc.zonestatus('dyn.test', { class: 'CH' })],
    ['reload static.test', () => rndc.reload('static.test')],
    ['reconfig', () => rndc.reconfig()],
    ['refresh dyn.test', () => rndc.refresh('dyn.test')],
    ['retransfer dyn.test', () => rndc.retransfer('dyn.test')],
    ['notify dyn.test', () => rndc.notify('dyn.test')],
    ['freeze dyn.test', () => rndc.freeze('dyn.test')],
    ['thaw dyn.test', () => rndc.thaw('dyn.test')],
    ['sync -clean dyn.test', () => rndc.sync('dyn.test', { clean: true })],
    ['sync', () => rndc.sync()],
    ['dumpdb -zones', () => rndc.dumpdb({ scope: 'zones' })],
    ['stats', () => rndc.stats()],
    ['recursing', () => rndc.recursing()],
    ['secroots -', () => rndc.secroots({ toText: true })],
    ['flush', () => rndc.flush()],
    ['flushname www.dyn.test', () => rndc.flushname('www.dyn.test')],
    ['flushtree dyn.test _default', () => rndc.flushtree('dyn.test', '_default')],
    ['querylog on', () => rndc.querylog(true)],
    ['querylog off', () => rndc.querylog(false)],
    ['trace 3', () => rndc.trace(3)],
    ['notrace', () => rndc.notrace()],
    ['scan', () => rndc.scan()],
    ['timerpoke', () => rndc.timerpoke()],
    ['fetchlimit', () => rndc.fetchlimit()],
    ['responselog off', () => rndc.responselog(false)],
    ['reset-stats recursive-high-water', () => rndc.resetStats(['recursive-high-water'])],
    ['memprof off', () => rndc.memprof('off')],
    ['skr -import nosuch.skr dyn.test', () => rndc.skrImport('nosuch.skr', 'dyn.test')],
    ['retransfer -force dyn.test', () => rndc.retransfer('dyn.test', { force: true })],
    ['dnssec -step dyn.test', () => rndc.dnssec(['-step'], 'dyn.test')],
    ['tsig-list', () => rndc.tsigList()],
    ['tsig-delete no-such-key', () => rndc.tsigDelete('no-such-key')],
    ['validation status', () => rndc.validation('status')],
    ['serve-stale status', () => rndc.serveStale('status')],
    ['tcp-timeouts', () => rndc.tcpTimeouts()],
    [
      'addzone added.test { type primary; file "zones/added.test.db"; };',
      () => rndc.addzone('added.test', '{ type primary; file "zones/added.test.db"; };'),
    ],
    ['showzone added.test', () => rndc.showzone('added.test')],
    [
      'modzone added.test { type primary; file "zones/added.test.db"; notify no; };',
      () => rndc.modzone('added.test', '{ type primary; file "zones/added.test.db"; notify no; };'),
    ],
    ['delzone added.test', () => rndc.delzone('added.test')],
    ['sign dyn.test', () => rndc.sign('dyn.test')],
    ['loadkeys dyn.test', () => rndc.loadkeys('dyn.test')],
    ['signing -list dyn.test', () => rndc.signing(['-list'], 'dyn.test')],
    ['dnssec -status dyn.test', () => rndc.dnssec(['-status'], 'dyn.test')],
    ['managed-keys status', () => rndc.managedKeys('status')],
    ['nta -dump', () => rndc.nta(['-dump'])],
    ['dnstap -reopen', () => rndc.dnstap(['-reopen'])],
    ['dnstap-reopen', () => rndc.dnstapReopen()],
    ['testgen 10', () => rndc.testgen(10)],
    ["flushname 'odd name'", () => rndc.run(['flushname', 'odd name'])],
  ];

  it.each(calls)('%s', async (line, call) => {
    const since = named.logOffset();
    const result = await call();
    const lacking = named.bindVersion === '9.20' ? GONE_IN_920 : ONLY_IN_920;
    if (lacking.includes(line)) {
      // Refused before sending: named never sees it (a logged command after it proves the order).
      expect(result.isErr() && result.error.kind, line).toBe('not-in-this-version');
      expect((await rndc.run('notrace')).isOk()).toBe(true);
      await named.waitForLog(/received control channel command 'notrace'/, { since });
      expect(named.readLog().slice(since)).not.toContain(
        `received control channel command '${line}'`,
      );
      return;
    }
    // named answered (success or its own failure): never a transport error.
    if (result.isErr()) {
      expect(result.error, result.error.message).toBeInstanceOf(RndcError);
      expect((result.error as RndcError).response, result.error.message).toBeDefined();
    }
    const expected = line === "flushname 'odd name'" ? 'flushname "odd name"' : line;
    const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(
      await named.waitForLog(new RegExp(`received control channel command '${escaped}'`), {
        since,
      }),
    ).toBeTruthy();
  });

  it('showzone returns the added zone configuration and testgen the requested size', async () => {
    expect(
      (await rndc.addzone('again.test', '{ type primary; file "zones/added.test.db"; };')).isOk(),
    ).toBe(true);
    expect((await rndc.showzone('again.test')).unwrap()).toMatch(
      /zone "again\.test" \{ type primary; file "zones\/added\.test\.db"; \};/,
    );
    expect(((await rndc.testgen(1000)).unwrap() as RndcResponse).text).toHaveLength(1000);
  });

  it('a reply of 3 MB arrives intact over one connection', async () => {
    const big = (await rndc.testgen(3_000_000)).unwrap();
    expect(big.text).toHaveLength(3_000_000);
    expect(big.text.startsWith('abcdefghijklmnopqrstuvwxyz0123456789')).toBe(true);
    const capped = RndcClient.connect({
      port: named.controlPort,
      key: named.keys['hmac-sha1'],
      maxReplyBytes: 1_048_576,
    });
    expect((await capped.testgen(1_100_000)).unwrapErr().kind).toBe('reply-too-large');
    await capped.close();
  });
});

describe('stop and halt', () => {
  it('stop -p returns the pid and named exits', async () => {
    const other = await startNamed();
    const client = RndcClient.connect({ port: other.controlPort, key: other.keys['hmac-md5'] });
    const reply = (await client.stop({ pid: true })).unwrap();
    expect(reply.text).toBe(`pid: ${other.pid}`);
    expect(reply.type).toBe('stop');
    expect(await other.exited).toMatchObject({ code: 0 });
    await client.close();
    await other.stop();
  });

  it('halt -p returns the pid and named exits', async () => {
    const other = await startNamed();
    const client = RndcClient.connect({ port: other.controlPort, key: other.keys['hmac-sha224'] });
    expect((await client.halt({ pid: true })).unwrap().text).toBe(`pid: ${other.pid}`);
    await other.exited;
    expect(other.isRunning()).toBe(false);
    await client.close();
    await other.stop();
  });
});
