// Issue 16: `sync --verify` / `freeze --verify` without a zone (rndc's all-zones form) prove every
// zone named.conf configures, one by one, against a real named: two dynamic zones with pending
// updates, a static one and a dynamic one in a second view are all proven; a zone whose file is a
// mount point (the seed failure: rename() onto it fails) fails with its diagnosis while the others
// are proven (and only the proven zones' journals are deleted by --clean); freeze leaves the zones
// frozen; --json prints one document; a stopped named settles by the deadline; a named.conf that
// lists a zone named does not serve, or that is garbage, gives a clear error and no crash.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import type { AllZonesDump, ZoneDumpResult } from '../../src/dump/all-zones.js';
import {
  type BinaryResult,
  canUseMountNamespace,
  type NamedInstance,
  runBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';

const mountNamespace = await canUseMountNamespace();
const instances: NamedInstance[] = [];
let counter = 0;

afterAll(async () => {
  for (const named of instances) await named.stop();
});

async function start(options: StartNamedOptions): Promise<NamedInstance> {
  const named = await startNamed(options);
  instances.push(named);
  return named;
}

function client(named: NamedInstance): RndcClient {
  return RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
  });
}

function cli(named: NamedInstance, args: readonly string[]): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, '-c', named.rndcConfFile(), ...args], {
    timeoutMs: 90_000,
  });
}

/** One signed UPDATE adding an A record to `zone` (signed with `keyName`'s key: it picks the view). */
async function addTo(
  named: NamedInstance,
  zone: string,
  algorithm: 'hmac-sha256' | 'hmac-sha1' = 'hmac-sha256',
) {
  counter++;
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys[algorithm],
  });
  try {
    (
      await updates.send(new Update(zone).add(`n${counter} 300 A 192.0.2.${counter % 250}`))
    ).unwrap();
  } finally {
    updates.close();
  }
}

function byZone(dump: AllZonesDump | undefined, zone: string): ZoneDumpResult {
  const found = dump?.zones.find((result) => result.zone === zone);
  if (!found) throw new Error(`${zone} is not in the results: ${JSON.stringify(dump?.zones)}`);
  return found;
}

const ZONE_FILE = (zone: string, serial: number) =>
  [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ( ${serial} 3600 600 86400 300 )`,
    '@ IN NS ns',
    'ns IN A 127.0.0.1',
    '',
  ].join('\n');

/**
 * Views: the generated zones go into view "internal" (any client); view "external", matched
 * first for requests signed with the rndc-sha1 key, serves ext.test, a dynamic zone of its own.
 */
async function twoViews(dir: string, configFile: string): Promise<void> {
  await writeFile(join(dir, 'zones/ext.test.db'), ZONE_FILE('ext.test', 7));
  const text = await readFile(configFile, 'utf8');
  const at = text.search(/^zone "/m);
  if (at === -1) throw new Error(`no zone statement in ${configFile}`);
  const external = [
    'view "external" IN {',
    '\tmatch-clients { key "rndc-sha1"; };',
    '\tzone "ext.test" {',
    '\t\ttype primary;',
    '\t\tfile "zones/ext.test.db";',
    '\t\tallow-update { key "rndc-sha1"; };',
    '\t};',
    '};',
    '',
  ].join('\n');
  await writeFile(
    configFile,
    `${text.slice(0, at)}${external}view "internal" IN {\n\tmatch-clients { any; };\n${text.slice(at)}};\n`,
  );
}

describe('every zone proven: two dynamic, one static, one in a second view', () => {
  let named: NamedInstance;

  beforeAll(async () => {
    named = await start({
      zones: [
        { name: 'a.test', kind: 'dynamic' },
        { name: 'b.test', kind: 'dynamic' },
        { name: 'static.test', kind: 'static' },
      ],
      beforeStart: ({ dir, configFile }) => twoViews(dir, configFile),
    });
  });

  it('syncAll: each zone written (pending updates) or nothing pending (static), with its view', async () => {
    await addTo(named, 'a.test');
    await addTo(named, 'b.test');
    await addTo(named, 'ext.test', 'hmac-sha1');
    const rndc = client(named);
    const seen: string[] = [];
    try {
      const dump = (await rndc.syncAll({ onZone: (zone) => seen.push(zone.zone) })).unwrap();
      expect(dump.summary).toMatchObject({
        allProven: true,
        total: 4,
        proven: 4,
        failed: 0,
        notProven: 0,
        skipped: 0,
      });
      expect(dump.zones.map((zone) => [zone.zone, zone.view])).toEqual([
        ['ext.test', 'external'],
        ['a.test', 'internal'],
        ['b.test', 'internal'],
        ['static.test', 'internal'],
      ]);
      expect(seen.sort()).toEqual(['a.test', 'b.test', 'ext.test', 'static.test']);
      for (const zone of ['a.test', 'b.test', 'ext.test']) {
        const result = byZone(dump, zone);
        expect(result.status, zone).toBe('proven');
        expect(result.verdict, zone).toBe('written');
        expect(result.evidence?.fileSerialAfter).toBe(result.evidence?.servedSerial);
        expect(result.evidence!.servedSerial).toBeGreaterThan(result.evidence!.fileSerialBefore!);
      }
      expect(byZone(dump, 'static.test')).toMatchObject({
        status: 'proven',
        verdict: 'nothing-pending',
      });
      expect(dump.namedConf).toBe(named.configFile);
      // allow-new-zones is on in the test server: zones added by addzone are said not covered.
      expect(dump.notes.join('\n')).toMatch(/allows rndc addzone/);
    } finally {
      await rndc.close();
    }
  });

  it('CLI sync --verify: the table (zone, view, served, file, verdict, time), exit 0', async () => {
    await addTo(named, 'a.test');
    await addTo(named, 'ext.test', 'hmac-sha1');
    const result = await cli(named, ['sync', '--verify']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^ZONE +VIEW +SERVED +FILE +VERDICT +TIME$/);
    expect(result.stdout).toMatch(/^a\.test +internal +(\d+) +\1 +WRITTEN +\d+\.\d\d s$/m);
    expect(result.stdout).toMatch(/^ext\.test +external +(\d+) +\1 +WRITTEN +\d+\.\d\d s$/m);
    expect(result.stdout).toMatch(/^b\.test +internal +(\d+) +\1 +nothing pending +/m);
    expect(result.stdout).toMatch(/^static\.test +internal +(\d+) +\1 +nothing pending +/m);
    expect(result.stdout).toContain('sync of all zones: 4 of 4 zones proven written\n');
    expect(result.stderr).toMatch(/note: view internal allows rndc addzone/);
  });

  it('CLI sync --verify --json: exactly one document, a per-zone array and the summary', async () => {
    await addTo(named, 'b.test');
    const result = await cli(named, ['sync', '--verify', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      ok: true,
      command: 'sync',
      zone: null,
      clean: false,
      summary: { allProven: true, total: 4, proven: 4, failed: 0, notProven: 0, skipped: 0 },
      namedConf: named.configFile,
      namedLog: { source: 'named.conf', path: named.logFile },
      error: null,
    });
    expect(document.zones).toHaveLength(4);
    const b = document.zones.find((zone: { zone: string }) => zone.zone === 'b.test');
    expect(b).toMatchObject({
      zone: 'b.test',
      class: 'IN',
      view: 'internal',
      status: 'proven',
      verdict: 'written',
      skipped: null,
      error: null,
    });
    expect(b.fileSerial).toBe(b.servedSerial);
    expect(b.evidence.verdict).toBe('written');
    expect(Object.keys(b).sort()).toEqual(
      [
        'class',
        'elapsedMs',
        'error',
        'evidence',
        'fileSerial',
        'journalCleaned',
        'servedSerial',
        'skipped',
        'status',
        'verdict',
        'view',
        'wasFrozen',
        'zone',
      ].sort(),
    );
  });

  it('CLI freeze --verify: the dynamic zones proven and left frozen, the static one skipped', async () => {
    await addTo(named, 'a.test');
    const result = await cli(named, ['freeze', '--verify']);
    const rndc = client(named);
    try {
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^a\.test +internal +(\d+) +\1 +WRITTEN +/m);
      expect(result.stdout).toMatch(/^static\.test +internal +- +- +skipped: not dynamic/m);
      expect(result.stdout).toContain('3 of 3 zones proven written; 1 skipped');
      for (const [zone, view] of [
        ['a.test', 'internal'],
        ['b.test', 'internal'],
        ['ext.test', 'external'],
      ] as const) {
        const status = (await rndc.zonestatus(zone, { class: 'IN', view })).unwrap();
        expect(status.frozen, zone).toBe(true);
      }
      // Again while frozen: proven with sync, left frozen, said so.
      const again = (await rndc.freezeAll()).unwrap();
      expect(byZone(again, 'a.test')).toMatchObject({ status: 'proven', wasFrozen: true });
    } finally {
      for (const [zone, view] of [
        ['a.test', 'internal'],
        ['b.test', 'internal'],
        ['ext.test', 'external'],
      ] as const) {
        (await rndc.thaw(zone, { class: 'IN', view, wait: true })).unwrap();
      }
      await rndc.close();
    }
  });

  it('CLI sync --verify --clean: every journal deleted after its proof', async () => {
    await addTo(named, 'a.test');
    await addTo(named, 'ext.test', 'hmac-sha1');
    const journals = ['a.test', 'b.test', 'ext.test'].map((zone) =>
      join(named.dir, `zones/${zone}.db.jnl`),
    );
    expect(journals.filter((journal) => existsSync(journal)).length).toBeGreaterThan(0);
    const result = await cli(named, ['sync', '--verify', '--clean']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^a\.test +internal +(\d+) +\1 +WRITTEN, journal deleted/m);
    for (const journal of journals) expect(existsSync(journal), journal).toBe(false);
    // Still dynamic afterwards (thawed by each zone's -clean sequence).
    await addTo(named, 'a.test');
  });
});

describe('one zone cannot be written (its file is a mount point: the seed failure)', () => {
  let named: NamedInstance | undefined;

  beforeAll(async () => {
    if (!mountNamespace.ok) return;
    named = await start({
      zones: [
        { name: 'a.test', kind: 'dynamic' },
        { name: 'b.test', kind: 'dynamic' },
        { name: 'static.test', kind: 'static' },
      ],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'cm'));
        await copyFile(zones[0]!.path, join(dir, 'cm/a.test.db'));
      },
      mountNamespace: {
        bindMounts: [{ source: 'cm/a.test.db', target: 'zones/a.test.db', readOnly: true }],
      },
    });
  });

  it('that zone fails at rename with the diagnosis on stderr, the others are proven, exit 1', async () => {
    if (named === undefined) {
      console.log(`bind-mount case not run: ${mountNamespace.ok ? '' : mountNamespace.reason}`);
      expect(mountNamespace.ok).toBe(false);
      return;
    }
    await addTo(named, 'a.test');
    await addTo(named, 'b.test');
    const result = await cli(named, [
      'sync',
      '--verify',
      '--named-pid',
      String(named.pid),
      '--named-binary',
      named.namedBinary,
    ]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^a\.test +- +(\d+) +(?!\1)\d+ +FAILED \(rename\) +/m);
    expect(result.stdout).toMatch(/^b\.test +- +(\d+) +\1 +WRITTEN +/m);
    expect(result.stdout).toMatch(/^static\.test +- +(\d+) +\1 +nothing pending +/m);
    expect(result.stdout).toContain('2 of 3 zones proven written; failed: a.test (rename)');
    expect(result.stderr).toMatch(/a\.test: 'sync' failed: /);
    expect(result.stderr).toContain('zone-file-mount-point');
    expect(result.stderr).not.toMatch(/b\.test: 'sync'/);
  });

  it('syncAll({ clean }) deletes the journals of the proven zones only; the error holds every result', async () => {
    if (named === undefined) {
      expect(mountNamespace.ok).toBe(false);
      return;
    }
    await addTo(named, 'a.test');
    await addTo(named, 'b.test');
    const rndc = client(named);
    try {
      const error = (await rndc.syncAll({ clean: true })).unwrapErr();
      expect(error.kind).toBe('not-all-proven');
      expect(error.message).toContain('failed: a.test (rename)');
      const a = byZone(error.dump, 'a.test');
      expect(a).toMatchObject({ status: 'failed', verdict: 'failed', journalCleaned: false });
      expect(a.error?.kind).toBe('clean-refused');
      expect(byZone(error.dump, 'b.test')).toMatchObject({
        status: 'proven',
        journalCleaned: true,
      });
      expect(existsSync(join(named.dir, 'zones/a.test.db.jnl'))).toBe(true);
      expect(existsSync(join(named.dir, 'zones/b.test.db.jnl'))).toBe(false);
      // a.test was thawed after its failed proof: it still takes updates.
      expect((await rndc.zonestatus('a.test')).unwrap().frozen).toBe(false);
      await addTo(named, 'a.test');
    } finally {
      await rndc.close();
    }
  });
});

describe('hostile input and deadlines', () => {
  let named: NamedInstance;

  beforeAll(async () => {
    named = await start({
      zones: [
        { name: 'dyn.test', kind: 'dynamic' },
        { name: 'static.test', kind: 'static' },
      ],
    });
  });

  it('a named.conf listing a zone named does not serve: that zone fails clearly, the other is proven', async () => {
    const conf = join(named.dir, 'other.conf');
    await writeFile(
      conf,
      [
        `options { directory "${named.dir}"; };`,
        'zone "dyn.test" { type primary; file "zones/dyn.test.db"; };',
        'zone "ghost.test" { type primary; file "zones/ghost.test.db"; };',
        'zone "fwd.test" { type forward; forwarders { 127.0.0.1; }; };',
        'zone "mem.test" { type secondary; primaries { 127.0.0.1; }; };',
        '',
      ].join('\n'),
    );
    await addTo(named, 'dyn.test');
    const result = await cli(named, ['sync', '--verify', '--named-conf', conf, '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.summary).toMatchObject({ proven: 1, failed: 1, skipped: 2, allProven: false });
    const ghost = document.zones.find((zone: { zone: string }) => zone.zone === 'ghost.test');
    expect(ghost.status).toBe('failed');
    expect(ghost.error.message).toMatch(
      /named\.conf configures ghost\.test, but named does not serve it/,
    );
    expect(ghost.error.remedy).toMatch(/reconfig/);
    const skipped = document.zones.filter((zone: { status: string }) => zone.status === 'skipped');
    expect(skipped.map((zone: { skipped: string }) => zone.skipped)).toEqual([
      expect.stringMatching(/^type forward/),
      expect.stringMatching(/^no file in named\.conf/),
    ]);
    expect(document.zones.find((zone: { zone: string }) => zone.zone === 'dyn.test')).toMatchObject(
      { status: 'proven', verdict: 'written' },
    );
  });

  it('a garbage named.conf: one clear error, one JSON document, no crash', async () => {
    const conf = join(named.dir, 'garbage.conf');
    await writeFile(
      conf,
      Buffer.from([0x7a, 0x6f, 0x6e, 0x65, 0x20, 0x00, 0xff, 0xfe, 0x7b, 0x0a]),
    );
    const text = await cli(named, ['sync', '--verify', '--named-conf', conf]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^rndc-js: cannot list the zones from .*garbage\.conf: /);
    expect(text.stderr).not.toMatch(/at .*\.js:\d+/);
    const json = await cli(named, ['freeze', '--verify', '--named-conf', conf, '--json']);
    expect(json.exitCode).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ ok: false, command: 'freeze', zones: [], summary: null });
    expect(document.error.kind).toBe('zones-unknown');
  });

  it('60 000 zone statements: listed in one pass, the deadline ends the work, every zone accounted for', async () => {
    // Listing each zone's files by a lookup over the whole of named.conf would take minutes here.
    const conf = join(named.dir, 'many.conf');
    const zones = Array.from(
      { length: 60_000 },
      (_, i) => `zone "z${i}.many.test" { type primary; file "zones/z${i}.db"; };`,
    );
    await writeFile(
      conf,
      [
        `options { directory "${named.dir}"; };`,
        'zone "dyn.test" { type primary; file "zones/dyn.test.db"; };',
        ...zones,
        '',
      ].join('\n'),
    );
    await addTo(named, 'dyn.test');
    const rndc = client(named);
    try {
      const error = (
        await rndc.syncAll({ timeoutMs: 8000, concurrency: 1, verify: { namedConf: conf } })
      ).unwrapErr();
      expect(error.kind).toBe('not-all-proven');
      const dump = error.dump!;
      expect(dump.zones).toHaveLength(60_001);
      expect(dump.zones[0], dump.zones[0]?.error?.message).toMatchObject({
        zone: 'dyn.test',
        status: 'proven',
      });
      expect(dump.summary.proven).toBe(1);
      expect(dump.summary.failed + dump.summary.notProven).toBe(60_000);
      // The zones named was asked about say it does not serve them; the rest were not started.
      expect(dump.zones[1]?.error?.message).toMatch(/named does not serve it/);
      expect(dump.zones.at(-1)?.error?.message).toMatch(/not started: the deadline/);
      expect(error.causes.length).toBeLessThanOrEqual(20);
      expect(dump.summary.text.length).toBeLessThan(1000);
    } finally {
      await rndc.close();
    }
  });

  it('a zone added with rndc addzone: not in named.conf, said in the notes; proven when named in `zones`', async () => {
    await writeFile(join(named.dir, 'zones/added.test.db'), ZONE_FILE('added.test', 3));
    const rndc = client(named);
    try {
      (
        await rndc.addzone(
          'added.test',
          '{ type primary; file "zones/added.test.db"; allow-update { key "rndc-sha256"; }; };',
        )
      ).unwrap();
      await addTo(named, 'added.test');
      const listed = (await rndc.syncAll()).unwrap();
      expect(listed.zones.map((zone) => zone.zone)).not.toContain('added.test');
      expect(listed.notes).toEqual([
        expect.stringMatching(
          /^view _default allows rndc addzone: zones added that way \(kept in .*_default\.nz[df]\) are not in named\.conf and were not verified/,
        ),
      ]);
      const named_ = (await rndc.syncAll({ zones: [{ zone: 'added.test' }] })).unwrap();
      expect(named_.zones).toMatchObject([
        { zone: 'added.test', status: 'proven', verdict: 'written' },
      ]);
    } finally {
      await rndc.delzone('added.test');
      await rndc.close();
    }
  });

  it('bad options are errors, not exceptions', async () => {
    const rndc = client(named);
    try {
      for (const options of [
        { concurrency: 0 },
        { concurrency: 1.5 },
        { timeoutMs: -1 },
        { zones: [{ zone: '' }] },
        { zones: 'dyn.test' as never },
      ]) {
        const error = (await rndc.syncAll(options)).unwrapErr();
        expect(error.kind, JSON.stringify(options)).toBe('invalid-argument');
      }
      // A zone list given explicitly (zones added by addzone): named.conf is not read.
      const dump = (
        await rndc.syncAll({ zones: [{ zone: 'static.test' }], concurrency: 1 })
      ).unwrap();
      expect(dump.zones.map((zone) => zone.zone)).toEqual(['static.test']);
      expect(dump.namedConf).toBeUndefined();
    } finally {
      await rndc.close();
    }
  });

  it('aborted part-way: the zone done stays proven, the rest are not proven (aborted), none reported written', async () => {
    await addTo(named, 'dyn.test');
    const rndc = client(named);
    try {
      const controller = new AbortController();
      const error = (
        await rndc.syncAll({
          concurrency: 1,
          signal: controller.signal,
          onZone: () => controller.abort(new Error('stop')),
        })
      ).unwrapErr();
      expect(error.kind).toBe('not-all-proven');
      expect(error.dump?.zones.map((zone) => zone.status)).toEqual(['proven', 'not-proven']);
      expect(error.dump?.zones[1]?.error?.kind).toBe('aborted');
      expect(error.dump?.zones[1]?.evidence).toBeUndefined();
      // Aborted before the zones were listed: an error that says so, no zone claimed.
      const early = (await rndc.syncAll({ signal: controller.signal })).unwrapErr();
      expect(early.kind).toBe('zones-unknown');
      expect(early.message).toMatch(/abort/);
      expect(early.dump).toBeUndefined();
    } finally {
      await rndc.close();
    }
  });

  it('a stopped named (SIGSTOP): the call settles by its deadline, every zone not proven', async () => {
    await addTo(named, 'dyn.test');
    const rndc = client(named);
    named.kill('SIGSTOP');
    try {
      const error = (
        await rndc.syncAll({ timeoutMs: 3000, verify: { namedConf: named.configFile } })
      ).unwrapErr();
      expect(error.kind).toBe('not-all-proven');
      expect(error.dump?.summary).toMatchObject({ proven: 0, allProven: false });
      for (const zone of error.dump?.zones ?? []) {
        expect(zone.status, zone.zone).toBe('not-proven');
        expect(zone.evidence?.verdict === 'written').toBe(false);
      }
      // The CLI: exit 3 (not proven either way), every zone in the table.
      const result = await cli(named, [
        'sync',
        '--verify',
        '--named-conf',
        named.configFile,
        '--wait',
        '2',
      ]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(3);
      expect(result.stdout).toMatch(/^dyn\.test +- +- +- +NOT PROVEN +/m);
      expect(result.stdout).toContain(
        '0 of 2 zones proven written; not proven: dyn.test, static.test',
      );
    } finally {
      named.kill('SIGCONT');
      await rndc.close();
    }
  });
});
