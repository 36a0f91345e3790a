import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerStatus, parseZoneStatus } from '../../src/control/parse.js';

/** Texts captured from BIND 9.18.49 (`rndc` stdout minus the newline rndc appends). */
function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/rndc-texts/${name}.txt`, import.meta.url), 'utf8');
}

const utc = (iso: string) => new Date(`${iso}Z`);

const RUNNING_ON = 'Linux x86_64 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0';
const VERSION = 'BIND 9.18.49-1~deb12u3-Debian (Extended Support Version)';

describe('parseServerStatus on captured texts', () => {
  it('status.txt: every field', () => {
    const text = fixture('status');
    expect(parseServerStatus(text)).toStrictEqual({
      version: VERSION,
      versionNumber: '9.18.49',
      sourceId: '',
      hostname: 'vm',
      runningOn: RUNNING_ON,
      bootTime: utc('2026-11-24T18:34:52'),
      lastConfigured: utc('2026-11-24T18:34:52'),
      configurationFile: '/tmp/rndclab/m/named.conf',
      cpusFound: 2,
      workerThreads: 2,
      udpListenersPerInterface: 2,
      numberOfZones: 6,
      automaticZones: 0,
      debugLevel: 0,
      xfersRunning: 0,
      xfersDeferred: 0,
      soaQueriesInProgress: 0,
      queryLogging: false,
      recursiveClients: { current: 0, softLimit: 900, hardLimit: 1000 },
      tcpClients: { current: 0, limit: 150 },
      tcpHighWater: 0,
      running: true,
      extra: {},
      raw: text,
    });
  });

  it('status-querylog-debug.txt: query logging ON, debug level 3, after addzone', () => {
    const s = parseServerStatus(fixture('status-querylog-debug'));
    expect(s.queryLogging).toBe(true);
    expect(s.debugLevel).toBe(3);
    expect(s.numberOfZones).toBe(8);
    expect(s.lastConfigured).toEqual(utc('2026-11-24T18:35:08'));
    expect(s.bootTime).toEqual(utc('2026-11-24T18:34:52'));
    expect(s.reloadState).toBeUndefined();
    expect(s.extra).toEqual({});
  });

  it('status-p-version-override.txt: the configured version string', () => {
    const s = parseServerStatus(fixture('status-p-version-override'));
    expect(s.version).toBe(VERSION);
    expect(s.versionOverride).toBe('not telling');
    expect(s.sourceId).toBe('');
    expect(s.configurationFile).toBe('/tmp/rndclab/p/named.conf');
    expect(s.numberOfZones).toBe(2);
    expect(s.tcpHighWater).toBe(1);
    expect(s.running).toBe(true);
  });
});

describe('parseServerStatus on synthetic variants (server.c formats)', () => {
  const base = fixture('status');

  it('reads the reload/reconfig line', () => {
    const inProgress = base.replace('server is up', 'reload/reconfig in progress\nserver is up');
    expect(parseServerStatus(inProgress).reloadState).toBe('in progress');
    const failed = base.replace('server is up', 'reload/reconfig failed\nserver is up');
    expect(parseServerStatus(failed).reloadState).toBe('failed');
    expect(parseServerStatus(failed).extra).toEqual({});
  });

  it('splits a chrooted configuration file line', () => {
    const text = base.replace(
      'configuration file: /tmp/rndclab/m/named.conf',
      'configuration file: /etc/bind/named.conf (/var/lib/named/etc/bind/named.conf)',
    );
    const s = parseServerStatus(text);
    expect(s.configurationFile).toBe('/etc/bind/named.conf');
    expect(s.chrootDirectory).toBe('/var/lib/named');
  });

  it('keeps a path with parentheses that is not a chroot suffix', () => {
    const text = 'configuration file: /etc/bind (old)/named.conf (copy)';
    expect(parseServerStatus(text).configurationFile).toBe('/etc/bind (old)/named.conf (copy)');
  });

  it('reads `version none` and a version string with parentheses', () => {
    const v = 'version: BIND 9.18.49 (Extended Support Version) <id:abc123>';
    expect(parseServerStatus(`${v} (version.bind/txt/ch disabled)`)).toMatchObject({
      version: 'BIND 9.18.49 (Extended Support Version)',
      versionNumber: '9.18.49',
      sourceId: 'abc123',
      versionOverride: 'version.bind/txt/ch disabled',
    });
    expect(parseServerStatus(`${v} (my (odd) version)`).versionOverride).toBe('my (odd) version');
  });

  it('puts unknown lines and unparsable values in extra, keeps the rest', () => {
    const text = [
      'CPUs found: many',
      'boot time: yesterday',
      'some future field: 42',
      'a line without separator',
      '__proto__: polluted?',
      'server is up and running',
    ].join('\n');
    const s = parseServerStatus(text);
    expect(s.cpusFound).toBeUndefined();
    expect(s.bootTime).toBeUndefined();
    expect(s.running).toBe(true);
    expect(s.extra).toEqual({
      'CPUs found': 'many',
      'boot time': 'yesterday',
      'some future field': '42',
      'a line without separator': '',
      ['__proto__']: 'polluted?',
    });
    expect(Object.getPrototypeOf(s.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts CRLF line ends and a trailing newline', () => {
    const s = parseServerStatus(`${base.replaceAll('\n', '\r\n')}\r\n`);
    expect(s.tcpClients).toEqual({ current: 0, limit: 150 });
    expect(s.running).toBe(true);
    expect(s.extra).toEqual({});
  });

  it('reports running=false without the final line, and only the always-set fields for empty text', () => {
    expect(parseServerStatus(base.replace('server is up and running', '')).running).toBe(false);
    expect(parseServerStatus('')).toStrictEqual({
      version: '',
      numberOfZones: 0,
      running: false,
      extra: {},
      raw: '',
    });
  });

  it('puts the text last, after the parsed fields (inspect and JSON show those first)', () => {
    expect(Object.keys(parseServerStatus(base)).at(-1)).toBe('raw');
    expect(Object.keys(parseServerStatus(base)).slice(0, 2)).toEqual(['version', 'numberOfZones']);
  });

  it('rejects impossible dates', () => {
    expect(parseServerStatus('boot time: Tue, 31 Feb 2026 10:00:00 GMT').bootTime).toBeUndefined();
    expect(parseServerStatus('boot time: Tue, 24 Nov 2026 25:00:00 GMT').bootTime).toBeUndefined();
  });
});

describe('parseZoneStatus on captured texts', () => {
  it('zonestatus-dynamic.txt', () => {
    const text = fixture('zonestatus-dynamic');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'dyn.test',
      type: 'primary',
      files: ['dyn.test.db'],
      serial: 2024010101,
      nodes: 3,
      lastLoaded: utc('2026-11-24T18:34:49'),
      secure: false,
      dynamic: true,
      frozen: false,
      reconfigurableViaModzone: false,
      truncated: false,
      extra: {},
      raw: text,
    });
  });

  it('zonestatus-dynamic-frozen.txt', () => {
    const z = parseZoneStatus(fixture('zonestatus-dynamic-frozen'));
    expect(z.dynamic).toBe(true);
    expect(z.frozen).toBe(true);
    expect(z.name).toBe('dyn.test');
    expect(z.extra).toEqual({});
  });

  it('zonestatus-static-include.txt: files lists the $INCLUDE', () => {
    const text = fixture('zonestatus-static-include');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'static.test',
      type: 'primary',
      files: ['static.test.db', 'static-extra.inc'],
      serial: 2024010101,
      nodes: 4,
      lastLoaded: utc('2026-11-24T18:34:49'),
      secure: false,
      dynamic: false,
      reconfigurableViaModzone: false,
      truncated: false,
      extra: {},
      raw: text,
    });
  });

  it('zonestatus-inline-signed.txt: every DNSSEC field', () => {
    const text = fixture('zonestatus-inline-signed');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'signed.test',
      type: 'primary',
      files: ['signed.test.db'],
      serial: 2024010101,
      signedSerial: 2024010103,
      nodes: 3,
      lastLoaded: utc('2026-11-24T18:34:52'),
      secure: true,
      inlineSigning: true,
      keyMaintenance: 'automatic',
      nextKeyEvent: utc('2026-11-24T20:39:52'),
      nextResignNode: 'www.signed.test/NSEC',
      nextResignTime: utc('2026-12-03T11:44:34'),
      dynamic: false,
      reconfigurableViaModzone: false,
      truncated: false,
      extra: {},
      raw: text,
    });
  });

  it('zonestatus-signed-dynamic.txt: dnssec-policy without inline-signing', () => {
    const text = fixture('zonestatus-signed-dynamic');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'dsig.test',
      type: 'primary',
      files: ['dsig.test.db'],
      serial: 2024010103,
      nodes: 3,
      lastLoaded: utc('2026-11-24T18:39:52'),
      secure: true,
      inlineSigning: false,
      keyMaintenance: 'automatic',
      nextKeyEvent: utc('2026-11-24T20:44:52'),
      nextResignNode: 'dsig.test/NS',
      nextResignTime: utc('2026-12-03T15:17:44'),
      dynamic: true,
      frozen: false,
      reconfigurableViaModzone: true,
      truncated: false,
      extra: {},
      raw: text,
    });
  });

  it('zonestatus-secondary.txt: next refresh and expires', () => {
    const text = fixture('zonestatus-secondary');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'sec.test',
      type: 'secondary',
      files: ['sec.test.bk'],
      serial: 2024050501,
      nodes: 3,
      lastLoaded: utc('2026-11-24T18:34:52'),
      nextRefresh: utc('2026-11-24T19:23:59'),
      expires: utc('2026-11-25T18:34:52'),
      secure: false,
      dynamic: false,
      reconfigurableViaModzone: false,
      truncated: false,
      extra: {},
      raw: text,
    });
  });

  it('zonestatus-auto-dnssec-allow.txt: key maintenance "on command", added zone', () => {
    const z = parseZoneStatus(fixture('zonestatus-auto-dnssec-allow'));
    expect(z).toMatchObject({
      name: 'onc.test',
      keyMaintenance: 'on command',
      secure: false,
      dynamic: true,
      frozen: false,
      reconfigurableViaModzone: true,
      lastLoaded: utc('2026-11-24T18:35:08'),
      extra: {},
    });
    expect(z.inlineSigning).toBeUndefined();
  });

  it('zonestatus-added.txt: reconfigurable via modzone', () => {
    const z = parseZoneStatus(fixture('zonestatus-added'));
    expect(z.reconfigurableViaModzone).toBe(true);
    expect(z.dynamic).toBe(false);
    expect(z.frozen).toBeUndefined();
  });

  it('zonestatus-builtin-chaos.txt: no files line', () => {
    const text = fixture('zonestatus-builtin-chaos');
    expect(parseZoneStatus(text)).toStrictEqual({
      name: 'version.bind',
      type: 'primary',
      files: [],
      serial: 0,
      nodes: 0,
      lastLoaded: utc('2026-11-24T18:34:52'),
      secure: false,
      dynamic: false,
      reconfigurableViaModzone: false,
      truncated: false,
      extra: {},
      raw: text,
    });
  });
});

describe('parseZoneStatus on synthetic variants', () => {
  it('marks text named truncated with "..."', () => {
    const z = parseZoneStatus('name: big.test\ntype: primary\nserial: 1\nnodes: 5\nsec\n...');
    expect(z.truncated).toBe(true);
    expect(z.nodes).toBe(5);
    expect(z.extra).toEqual({ sec: '' });
  });

  it('keeps 9.16 type names and unknown values', () => {
    const z = parseZoneStatus(
      'name: old.test\ntype: master\nkey maintenance: sometimes\nsecure: maybe\nnew field: x',
    );
    expect(z.type).toBe('master');
    expect(z.keyMaintenance).toBeUndefined();
    expect(z.secure).toBeUndefined();
    expect(z.extra).toEqual({
      'key maintenance': 'sometimes',
      secure: 'maybe',
      'new field': 'x',
    });
  });

  it('keeps empty include entries and a name containing ": "', () => {
    const z = parseZoneStatus('name: we: ird\nfiles: a.db, , c.inc');
    expect(z.name).toBe('we: ird');
    expect(z.files).toEqual(['a.db', '', 'c.inc']);
  });

  it('joins duplicate unknown keys', () => {
    expect(parseZoneStatus('x: 1\nx: 2').extra).toEqual({ x: '1\n2' });
  });

  it('serial is 0 only for a text without a serial line; the text comes last', () => {
    expect(parseZoneStatus('name: x.test').serial).toBe(0);
    expect(parseZoneStatus('name: x.test\nserial: 7').serial).toBe(7);
    expect(Object.keys(parseZoneStatus('name: x.test\nserial: 7')).at(-1)).toBe('raw');
  });
});

describe('parsers never throw (property)', () => {
  const statusKeys = [
    'version: ',
    'running on ',
    'boot time: ',
    'configuration file: ',
    'number of zones: ',
    'recursive clients: ',
    'tcp clients: ',
    'name: ',
    'files: ',
    'serial: ',
    'next resign time: ',
    'key maintenance: ',
    '__proto__: ',
    'constructor: ',
    'toString: ',
    '...',
    ': ',
  ];
  const line = fc.tuple(fc.constantFrom(...statusKeys), fc.string({ unit: 'binary' }));
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.array(line, { maxLength: 20 }).map((ls) => ls.map(([k, v]) => k + v).join('\n')),
  );

  it('parseServerStatus', () => {
    fc.assert(
      fc.property(text, (t) => {
        const s = parseServerStatus(t);
        return s.raw === t && typeof s.running === 'boolean';
      }),
      { numRuns: 2000 },
    );
  });

  it('parseZoneStatus', () => {
    fc.assert(
      fc.property(text, (t) => {
        const z = parseZoneStatus(t);
        return z.raw === t && typeof z.truncated === 'boolean';
      }),
      { numRuns: 2000 },
    );
  });

  it('tolerate non-string input from untyped callers', () => {
    for (const bad of [undefined, null, 42, {}, []]) {
      expect(parseServerStatus(bad as unknown as string).raw).toBe('');
      expect(parseZoneStatus(bad as unknown as string).raw).toBe('');
    }
  });
});
