// parseNamedLog / NamedLogParser / NamedLogWatcher against the exact lines of
// research/dump-behaviour.md (§1.3, §1.6, §5.1, §6 lab) and the forms named, syslog, journald and
// container runtimes wrap them in.
import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DumpFailedEvent,
  type NamedLogEvent,
  NamedLogParser,
  NamedLogWatcher,
  parseNamedLog,
} from '../../src/dump/log.js';

const one = (line: string): NamedLogEvent => {
  const events = parseNamedLog(line);
  expect(events).toHaveLength(1);
  return events[0] as NamedLogEvent;
};

describe('dump failures, one per step (§1.3, §7.2)', () => {
  it('start: the timer could not start the dump (WARNING)', () => {
    expect(one('zone dyn.example.com/IN: dump failed: out of memory')).toMatchObject({
      kind: 'dump-failed',
      step: 'start',
      zone: 'dyn.example.com',
      zoneClass: 'IN',
      result: 'out of memory',
      tempFileLeft: false,
    });
  });

  it('open: read-only or unwritable directory (lab D, E)', () => {
    const event = one(
      '2026-11-24T17:47:11.316Z general: error: dumping master file: dyn/tmp-TdE6pFk4Nk: open: permission denied',
    );
    expect(event).toEqual({
      kind: 'dump-failed',
      step: 'open',
      file: 'dyn/tmp-TdE6pFk4Nk',
      result: 'permission denied',
      tempFileLeft: false,
      lineNumber: 1,
      raw: [
        '2026-11-24T17:47:11.316Z general: error: dumping master file: dyn/tmp-TdE6pFk4Nk: open: permission denied',
      ],
      time: new Date('2026-11-24T17:47:11.316Z'),
      category: 'general',
      severity: 'error',
    });
  });

  it('open on 9.18.0–9.18.16 with EROFS: unexpected error', () => {
    expect(one('dumping master file: dyn/tmp-AKgG7eIGw8: open: unexpected error')).toMatchObject({
      step: 'open',
      file: 'dyn/tmp-AKgG7eIGw8',
      result: 'unexpected error',
    });
  });

  it('write: the two UNEXPECTED_ERROR lines of masterdump.c are one event (9.18.9+ and 9.16 heads)', () => {
    const modern = parseNamedLog(
      [
        '24-Nov-2026 18:00:03.204 general: error: masterdump.c:1021:dump_rdataset(): unexpected error: ',
        '24-Nov-2026 18:00:03.204 general: error: master file write failed: disc full',
      ].join('\n'),
    );
    expect(modern).toHaveLength(1);
    expect(modern[0]).toMatchObject({
      kind: 'dump-failed',
      step: 'write',
      result: 'disc full',
      lineNumber: 1,
      tempFileLeft: false,
    });
    expect(modern[0]?.raw).toHaveLength(2);
    const raw = parseNamedLog(
      'masterdump.c:1302: unexpected error:\nraw master file write failed: I/O error\n',
    );
    expect(raw).toMatchObject([{ kind: 'dump-failed', step: 'write', result: 'I/O error' }]);
  });

  it('flush, fsync, fclose: temp file removed', () => {
    const events = parseNamedLog(
      [
        'dumping to master file: dyn/tmp-AbCdEfGhIj: flush: disc full',
        'dumping to master file: dyn/tmp-AbCdEfGhIj: fsync: I/O error',
        'dumping master file: dyn/tmp-AbCdEfGhIj: fclose: disc quota',
      ].join('\n'),
    );
    expect(events.map((e) => [e.kind, 'step' in e && e.step, 'result' in e && e.result])).toEqual([
      ['dump-failed', 'flush', 'disc full'],
      ['dump-failed', 'fsync', 'I/O error'],
      ['dump-failed', 'fclose', 'disc quota'],
    ]);
    for (const event of events)
      expect(event).toMatchObject({ file: 'dyn/tmp-AbCdEfGhIj', tempFileLeft: false });
  });

  it('rename: sticky directory (lab F), temp file left', () => {
    expect(
      one('dumping master file: rename: dyn/dyn.example.com.zone: permission denied'),
    ).toMatchObject({
      kind: 'dump-failed',
      step: 'rename',
      file: 'dyn/dyn.example.com.zone',
      result: 'permission denied',
      tempFileLeft: true,
    });
  });

  it('a file name with colons and spaces', () => {
    expect(one('dumping master file: rename: /srv/a: b/c:d.zone: permission denied')).toMatchObject(
      {
        file: '/srv/a: b/c:d.zone',
        result: 'permission denied',
      },
    );
  });
});

describe('errno2result: the two-line forms (§1.6)', () => {
  const b = [
    "2026-11-24T17:47:11.312Z general: info: received control channel command 'sync dyn.example.com'",
    "2026-11-24T17:47:11.316Z general: info: sync: dumping zone 'dyn.example.com/IN': success",
    '2026-11-24T17:47:11.316Z general: error: errno2result.c:120:isc___errno2result(): unexpected error:',
    '2026-11-24T17:47:11.316Z general: error: file.c',
    '2026-11-24T17:47:11.316Z general: error: dumping master file: rename: dyn/dyn.example.com.zone: unexpected error',
  ];

  it('9.18.9+ (lab B): the triplet is one dump-failed event, errno unknown', () => {
    const events = parseNamedLog(b.join('\n'));
    expect(events.map((e) => e.kind)).toEqual(['control-command', 'sync', 'dump-failed']);
    const failed = events[2] as DumpFailedEvent;
    expect(failed).toMatchObject({
      step: 'rename',
      file: 'dyn/dyn.example.com.zone',
      result: 'unexpected error',
      tempFileLeft: true,
      unexpectedErrorAt: 'errno2result.c:120',
      lineNumber: 3,
      time: new Date('2026-11-24T17:47:11.316Z'),
    });
    expect(failed.raw).toEqual(b.slice(2));
    expect(failed.errno).toBeUndefined();
    expect(failed.strerror).toBeUndefined();
  });

  it('the real first line ends with a space; GCC builds print :120, others :123', () => {
    const lines = [
      'errno2result.c:123:isc___errno2result(): unexpected error: ',
      'file.c',
      'dumping master file: rename: dyn/dyn.example.com.zone: unexpected error',
    ];
    expect(parseNamedLog(lines.join('\n'))).toMatchObject([
      { kind: 'dump-failed', unexpectedErrorAt: 'errno2result.c:123', raw: lines },
    ]);
  });

  it('9.16 (docker-bind9#10): errno and strerror are exposed', () => {
    const lines = [
      'file.c:393: unexpected error:',
      'unable to convert errno to isc_result: 16: Device or resource busy',
      'dumping master file: rename: db.workshop.nmos.tv: unexpected error',
    ];
    expect(parseNamedLog(lines.join('\n'))).toEqual([
      {
        kind: 'dump-failed',
        step: 'rename',
        file: 'db.workshop.nmos.tv',
        result: 'unexpected error',
        tempFileLeft: true,
        errno: 16,
        strerror: 'Device or resource busy',
        unexpectedErrorAt: 'file.c:393',
        lineNumber: 1,
        raw: lines,
      },
    ]);
  });

  it('a line of another thread in between: joined, and the events stay in line order', () => {
    const events = parseNamedLog([b[2], b[3], b[1], b[4]].join('\n'));
    expect(events.map((e) => [e.kind, e.lineNumber])).toEqual([
      ['dump-failed', 1],
      ['sync', 3],
    ]);
    expect(events[0]?.raw).toEqual([b[2], b[3], b[4]]);
  });

  it('the journal form: stdio.c errno report joins the .jnl line', () => {
    const events = parseNamedLog(
      [
        'stdio.c:45: unexpected error:',
        'unable to convert errno to isc_result: 116: Stale file handle',
        'dyn/dyn.example.com.zone.jnl: create: unexpected error',
        "client @0x7f5c 127.0.0.1#5300/key k: updating zone 'dyn.example.com/IN': error: journal open failed: unexpected error",
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        kind: 'journal-failed',
        file: 'dyn/dyn.example.com.zone.jnl',
        step: 'create',
        errno: 116,
        strerror: 'Stale file handle',
      },
      {
        kind: 'update-failed',
        outcome: 'error',
        reason: 'journal open failed',
        result: 'unexpected error',
      },
    ]);
  });

  it('an errno report nothing explains is reported alone after a few lines', () => {
    const events = parseNamedLog(
      [
        'errno2result.c:120:isc___errno2result(): unexpected error: ',
        'file.c',
        "sync: dumping zone 'dyn.test/IN', removing journal file: success",
        'a',
        'b',
        'c',
        'd',
        'dumping master file: rename: dyn/late.zone: unexpected error',
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        kind: 'unexpected-error',
        sourceFile: 'errno2result.c',
        sourceLine: 120,
        func: 'isc___errno2result',
        callerFile: 'file.c',
        lineNumber: 1,
      },
      { kind: 'sync', removesJournal: true, lineNumber: 3 },
      { kind: 'dump-failed', lineNumber: 8 },
    ]);
    expect(events[2]).not.toHaveProperty('unexpectedErrorAt');
  });

  it('other unexpected errors and a head without body', () => {
    expect(
      parseNamedLog(
        'zone.c:5555:zone_postload(): unexpected error: \nsomething odd happened\nfile.c:1: unexpected error:',
      ),
    ).toEqual([
      {
        kind: 'unexpected-error',
        sourceFile: 'zone.c',
        sourceLine: 5555,
        func: 'zone_postload',
        message: 'something odd happened',
        lineNumber: 1,
        raw: ['zone.c:5555:zone_postload(): unexpected error: ', 'something odd happened'],
      },
      {
        kind: 'unexpected-error',
        sourceFile: 'file.c',
        sourceLine: 1,
        lineNumber: 3,
        raw: ['file.c:1: unexpected error:'],
      },
    ]);
  });

  it('a head followed by a recognised line: reported alone, the line parsed normally', () => {
    expect(
      parseNamedLog(
        'file.c:393: unexpected error:\ndumping master file: rename: z.db: permission denied',
      ).map((e) => e.kind),
    ).toEqual(['unexpected-error', 'dump-failed']);
  });
});

describe('journal, load and update lines (§1.3, §5.1, §6)', () => {
  it('journal create failure + the update it fails (lab D2, K)', () => {
    const events = parseNamedLog(
      [
        '2026-11-24T17:47:20.101Z general: error: dyn/dyn.example.com.zone.jnl: create: permission denied',
        "2026-11-24T17:47:20.101Z update: info: client @0x7fd5c241c098 127.0.0.1#51939/key rndc-sha256: updating zone 'dyn.example.com/IN': error: journal open failed: unexpected error",
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        kind: 'journal-failed',
        file: 'dyn/dyn.example.com.zone.jnl',
        step: 'create',
        result: 'permission denied',
        category: 'general',
        severity: 'error',
      },
      {
        kind: 'update-failed',
        zone: 'dyn.example.com',
        zoneClass: 'IN',
        client: '127.0.0.1#51939',
        key: 'rndc-sha256',
        outcome: 'error',
        reason: 'journal open failed',
        result: 'unexpected error',
        category: 'update',
      },
    ]);
  });

  it('other journal steps, corruption and a custom journal name', () => {
    expect(
      parseNamedLog(
        [
          'dyn/dyn.example.com.zone.jnl: open: permission denied',
          'jnl/dyn.example.com.zone.jnl: write: disc full',
          'dyn/dyn.example.com.zone.jnl: journal file corrupt: expected serial 5, got 7',
          'dyn/dyn.example.com.zone.jnl: journal format not recognized',
          '/var/lib/bind/dyn.journal: create: permission denied',
        ].join('\n'),
      ).map((e) => (e.kind === 'journal-failed' ? [e.step, e.file, e.result] : e.kind)),
    ).toEqual([
      ['open', 'dyn/dyn.example.com.zone.jnl', 'permission denied'],
      ['write', 'jnl/dyn.example.com.zone.jnl', 'disc full'],
      ['corrupt', 'dyn/dyn.example.com.zone.jnl', 'expected serial 5, got 7'],
      ['format', 'dyn/dyn.example.com.zone.jnl', 'journal format not recognized'],
      ['create', '/var/lib/bind/dyn.journal', 'permission denied'],
    ]);
  });

  it('rollforward failure and not loaded (lab C, §5.1 #7)', () => {
    expect(
      parseNamedLog(
        [
          '2026-11-24T17:55:02.500Z zoneload: error: zone dyn.example.com/IN: journal rollforward failed: journal out of sync with zone',
          '2026-11-24T17:55:02.500Z zoneload: error: zone dyn.example.com/IN: not loaded due to errors.',
        ].join('\n'),
      ),
    ).toMatchObject([
      {
        kind: 'journal-rollforward-failed',
        zone: 'dyn.example.com',
        result: 'journal out of sync with zone',
        category: 'zoneload',
      },
      { kind: 'zone-not-loaded', zone: 'dyn.example.com', zoneClass: 'IN' },
    ]);
  });

  it('journal out of date, remove failure, compaction failure', () => {
    expect(
      parseNamedLog(
        [
          'zoneload: info: zone dyn.example.com/IN: journal file is out of date: removing journal file',
          "general: warning: unable to remove journal 'dyn/dyn.example.com.zone.jnl': 'Permission denied'",
          'general: error: zone dyn.example.com/IN: dns_journal_compact failed: permission denied',
        ].join('\n'),
      ),
    ).toMatchObject([
      { kind: 'journal-out-of-date', zone: 'dyn.example.com', severity: 'info' },
      {
        kind: 'journal-remove-failed',
        file: 'dyn/dyn.example.com.zone.jnl',
        strerror: 'Permission denied',
      },
      { kind: 'journal-compact-failed', zone: 'dyn.example.com', result: 'permission denied' },
    ]);
  });

  it('serial unchanged and loaded (lab 6.1), load failure', () => {
    expect(
      parseNamedLog(
        [
          '2026-11-24T18:08:21.908Z zoneload: error: zone dyn.example.com/IN: zone serial (2024010104) unchanged. zone may fail to transfer to secondaries.',
          '2026-11-24T18:08:21.908Z zoneload: info: zone dyn.example.com/IN: loaded serial 2024010104',
          'zone dyn.example.com/IN: zone serial (5) unchanged. zone may fail to transfer to slaves.',
          'zone dyn.example.com/IN: loading from master file dyn/dyn.example.com.zone failed: file not found',
        ].join('\n'),
      ),
    ).toMatchObject([
      { kind: 'zone-serial-unchanged', serial: 2024010104, severity: 'error' },
      { kind: 'zone-loaded', serial: 2024010104, dnssecSigned: false },
      { kind: 'zone-serial-unchanged', serial: 5 },
      { kind: 'zone-load-failed', file: 'dyn/dyn.example.com.zone', result: 'file not found' },
    ]);
  });

  it('update results: frozen (lab 6.3), prerequisite, rejected, denied, applied changes', () => {
    const events = parseNamedLog(
      [
        "2026-11-24T17:48:00.001Z update: info: client @0x7f1 127.0.0.1#40000/key rndc-sha256: updating zone 'dyn.example.com/IN': update failed: dynamic update temporarily disabled because the zone is frozen.  Use 'rndc thaw' to re-enable updates. (REFUSED)",
        "client @0x7f1 127.0.0.1#40000/key k: updating zone 'dyn.example.com/IN': update unsuccessful: www.dyn.example.com: 'name not in use' prerequisite not satisfied (YXDOMAIN)",
        "client @0x7f1 127.0.0.1#40000: updating zone 'dyn.example.com/IN': update rejected: post update name server sanity check failed",
        "update-security: error: client @0x7f1 127.0.0.1#40000: update 'dyn.example.com/IN' denied",
        "2026-11-24T17:46:58.204Z update: info: client @0x7f1 127.0.0.1#40000/key rndc-sha256: updating zone 'dyn.example.com/IN': adding an RR at 'host1.dyn.example.com' A 192.0.2.1",
        "client @0x7f1 [::1]#40000/key k (dyn.example.com): view internal: updating zone 'dyn.example.com/IN': deleting an RR at host1.dyn.example.com A",
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        kind: 'update-failed',
        outcome: 'failed',
        result: 'REFUSED',
        reason:
          "dynamic update temporarily disabled because the zone is frozen.  Use 'rndc thaw' to re-enable updates.",
      },
      { kind: 'update-failed', outcome: 'unsuccessful', result: 'YXDOMAIN' },
      {
        kind: 'update-failed',
        outcome: 'rejected',
        reason: 'post update name server sanity check failed',
      },
      {
        kind: 'update-failed',
        outcome: 'denied',
        zone: 'dyn.example.com',
        client: '127.0.0.1#40000',
      },
      {
        kind: 'update-change',
        action: 'add',
        detail: "'host1.dyn.example.com' A 192.0.2.1",
        key: 'rndc-sha256',
      },
      {
        kind: 'update-change',
        action: 'delete',
        view: 'internal',
        client: '[::1]#40000',
        key: 'k',
        zone: 'dyn.example.com',
      },
    ]);
    expect(events[2]).not.toHaveProperty('key');
    expect(events[2]).not.toHaveProperty('result');
  });

  it('startup: directory not writable is fatal (lab K)', () => {
    expect(
      parseNamedLog(
        [
          "general: error: directory 'lab/bindlab/K/work' is not writable",
          'general: error: loading configuration: permission denied',
          'general: critical: exiting (due to fatal error)',
        ].join('\n'),
      ),
    ).toMatchObject([
      { kind: 'directory-not-writable', directory: 'lab/bindlab/K/work' },
      { kind: 'exiting', fatal: true, reason: 'fatal error', severity: 'critical' },
    ]);
  });
});

describe('rndc-side lines (§1.3, lab 6.1–6.3)', () => {
  it('received command, sync (+ -clean), all zones', () => {
    expect(
      parseNamedLog(
        [
          "received control channel command 'sync -clean dyn.example.com'",
          "sync: dumping zone 'dyn.example.com/IN', removing journal file: success",
          "sync: dumping zone 'dyn.example.com/IN': already running",
          'dumping all zones: success',
          'dumping all zones, removing journal files: success',
          "rejecting restricted control channel command 'sync'",
        ].join('\n'),
      ),
    ).toMatchObject([
      { kind: 'control-command', command: 'sync -clean dyn.example.com', rejected: false },
      {
        kind: 'sync',
        zone: 'dyn.example.com',
        allZones: false,
        removesJournal: true,
        result: 'success',
      },
      { kind: 'sync', removesJournal: false, result: 'already running' },
      { kind: 'sync', allZones: true, removesJournal: false, result: 'success' },
      { kind: 'sync', allZones: true, removesJournal: true },
      { kind: 'control-command', command: 'sync', rejected: true },
    ]);
  });

  it('freeze / thaw, zone and all zones, views', () => {
    expect(
      parseNamedLog(
        [
          "freezing zone 'dyn.example.com/IN': success",
          "freezing zone 'dyn.example.com/IN': already frozen",
          "freezing zone 'dyn.example.com/IN': already running",
          "thawing zone 'dyn.example.com/IN': success",
          'freezing all zones: success',
          "thawing zone 'dyn.test/IN' internal: success",
          "sync: dumping zone 'dyn.test/IN' internal, removing journal file: success",
        ].join('\n'),
      ),
    ).toMatchObject([
      { kind: 'freeze', zone: 'dyn.example.com', result: 'success', allZones: false },
      { kind: 'freeze', result: 'already frozen' },
      { kind: 'freeze', result: 'already running' },
      { kind: 'thaw', zone: 'dyn.example.com', result: 'success' },
      { kind: 'freeze', allZones: true, result: 'success' },
      { kind: 'thaw', zone: 'dyn.test', view: 'internal' },
      { kind: 'sync', zone: 'dyn.test', view: 'internal', removesJournal: true },
    ]);
  });

  it('shutdown: stop flushes, SIGTERM/halt does not (§5.1 #11)', () => {
    expect(
      parseNamedLog(
        'general: info: shutting down: flushing changes\ngeneral: info: shutting down\ngeneral: notice: exiting',
      ),
    ).toMatchObject([
      { kind: 'shutdown', flush: true },
      { kind: 'shutdown', flush: false },
      { kind: 'exiting', fatal: false },
    ]);
  });

  it('zone names with view, inline-signing part, managed-keys zone', () => {
    expect(
      parseNamedLog(
        [
          'zone dyn.test/IN/internal (signed): loaded serial 2024010104 (DNSSEC signed)',
          'zone dyn.test/IN (unsigned): dump failed: shutting down',
          'managed-keys-zone: dump failed: permission denied',
          'managed-keys-zone/internal: dump failed: permission denied',
        ].join('\n'),
      ),
    ).toMatchObject([
      {
        kind: 'zone-loaded',
        zone: 'dyn.test',
        view: 'internal',
        inline: 'signed',
        dnssecSigned: true,
      },
      { kind: 'dump-failed', step: 'start', zone: 'dyn.test', inline: 'unsigned' },
      { kind: 'dump-failed', special: 'managed-keys' },
      { kind: 'dump-failed', special: 'managed-keys', view: 'internal' },
    ]);
  });
});

describe('line prefixes', () => {
  const message = 'dumping master file: rename: dyn/dyn.example.com.zone: unexpected error';
  const expected = { kind: 'dump-failed', step: 'rename', file: 'dyn/dyn.example.com.zone' };

  it('named print-time yes (local time), iso8601 (local), iso8601-utc, none', () => {
    const local = one(`24-Nov-2026 19:21:41.401 general: error: ${message}`);
    expect(local).toMatchObject({ ...expected, category: 'general', severity: 'error' });
    expect(local.time).toEqual(new Date(2026, 10, 24, 19, 21, 41, 401));
    expect(one(`2026-11-24T19:21:57.645 general: error: ${message}`).time).toEqual(
      new Date(2026, 10, 24, 19, 21, 57, 645),
    );
    expect(one(`2026-11-24T19:21:57.645Z general: error: ${message}`).time).toEqual(
      new Date('2026-11-24T19:21:57.645Z'),
    );
    const bare = one(message);
    expect(bare).toMatchObject(expected);
    expect(bare).not.toHaveProperty('time');
    expect(bare).not.toHaveProperty('category');
    expect(one(`error: ${message}`)).toMatchObject({ severity: 'error' });
    expect(one(`general: ${message}`)).toMatchObject({ category: 'general' });
    expect(one(`24-Nov-2026 19:21:41.401 ${message}`).time).toBeInstanceOf(Date);
  });

  it('debug and level severities', () => {
    expect(one(`general: debug 3: ${message}`)).toMatchObject({ severity: 'debug 3' });
    expect(one(`general: level -6: ${message}`)).toMatchObject({ severity: 'level -6' });
  });

  it('BSD syslog and journald short: the year comes from the reference date', () => {
    const event = parseNamedLog(`Nov 24 17:47:11 ns1 named[812]: ${message}`, {
      referenceDate: new Date(2026, 11, 1),
    })[0];
    expect(event).toMatchObject(expected);
    expect(event?.time).toEqual(new Date(2026, 10, 24, 17, 47, 11));
    // Read in January: December lines belong to the year before.
    expect(
      parseNamedLog(`Dec 31 23:59:59 ns1 named[812]: ${message}`, {
        referenceDate: new Date(2027, 0, 2),
      })[0]?.time,
    ).toEqual(new Date(2026, 11, 31, 23, 59, 59));
    expect(one(`Nov  4 07:03:00 ns1 named: ${message}`)).toMatchObject(expected);
    expect(one(`Nov 24 17:47:11.316123 ns1 named[812]: general: error: ${message}`)).toMatchObject({
      ...expected,
      category: 'general',
      severity: 'error',
    });
  });

  it('rsyslog RFC 3339, journald short-iso, syslog priority, named print-time inside syslog', () => {
    expect(one(`2026-11-24T17:47:11.316123+00:00 ns1 named[812]: ${message}`).time).toEqual(
      new Date('2026-11-24T17:47:11.316Z'),
    );
    expect(one(`2026-11-24T18:47:11+0100 ns1 named[812]: ${message}`).time).toEqual(
      new Date('2026-11-24T17:47:11Z'),
    );
    expect(one(`<27>Nov 24 17:47:11 named[812]: ${message}`)).toMatchObject(expected);
    const inner = one(
      `Nov 24 17:47:12 ns1 named[812]: 2026-11-24T17:47:11.316Z general: error: ${message}`,
    );
    expect(inner.time).toEqual(new Date('2026-11-24T17:47:11.316Z'));
    // A syslog daemon writing named's own precision: the tag decides.
    expect(one(`2026-11-24T17:47:11.316Z ns1 named[812]: ${message}`)).toMatchObject({
      ...expected,
      time: new Date('2026-11-24T17:47:11.316Z'),
    });
  });

  it('container runtime time stamps (kubectl logs --timestamps) before named -g output', () => {
    const event = one(
      `2026-11-24T17:47:11.316123456Z 24-Nov-2026 17:47:11.316 general: error: ${message}`,
    );
    expect(event).toMatchObject({ ...expected, category: 'general' });
    expect(event.time).toEqual(new Date(2026, 10, 24, 17, 47, 11, 316));
    expect(one(`2026-11-24T17:47:11.316123456Z ${message}`).time).toEqual(
      new Date('2026-11-24T17:47:11.316Z'),
    );
  });

  it('named iso8601 time followed by a two-word message is not taken for a syslog host and tag', () => {
    expect(
      one('2026-11-24T17:47:11.316Z general: info: shutting down: flushing changes'),
    ).toMatchObject({
      kind: 'shutdown',
      flush: true,
    });
    expect(one('2026-11-24T17:47:11.316 shutting down: flushing changes')).toMatchObject({
      flush: true,
    });
  });

  it('CRLF line ends and a message that only looks like a category', () => {
    expect(parseNamedLog(`${message}\r\n${message}\r\n`).map((e) => e.raw[0])).toEqual([
      message,
      message,
    ]);
    expect(one("sync: dumping zone 'z/IN': success")).toMatchObject({ kind: 'sync', zone: 'z' });
  });

  it('ignores what it does not know, including the debug lines of a successful dump (lab 6.1)', () => {
    expect(
      parseNamedLog(
        [
          '2026-11-24T18:00:03.204Z general: debug 1: zone_dump: zone dyn.example.com/IN: enter',
          '2026-11-24T18:00:03.204Z general: debug 1: dump_done: zone dyn.example.com/IN: enter',
          '2026-11-24T18:00:03.204Z general: debug 1: zone_journal_compact: zone dyn.example.com/IN: target journal size 416',
          '2026-11-24T18:00:03.208Z general: debug 3: zone dyn.example.com/IN: dns_journal_compact: success',
          'general: error: loading configuration: permission denied',
          'dumping node to file: x: open: permission denied',
          '',
          '   ',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});

describe('options and bounds', () => {
  const log = [
    "2026-11-24T17:00:00.000Z general: info: freezing zone 'a/IN': success",
    'dumping master file: rename: a.db: permission denied',
    "2026-11-24T18:00:00.000Z general: info: thawing zone 'a/IN': success",
  ].join('\n');

  it('since drops earlier events and keeps those without a time', () => {
    expect(
      parseNamedLog(log, { since: new Date('2026-11-24T17:30:00Z') }).map((e) => e.kind),
    ).toEqual(['dump-failed', 'thaw']);
    expect(parseNamedLog(log, { since: new Date(Number.NaN) })).toHaveLength(3);
  });

  it('over-long lines are skipped but counted', () => {
    const long = 'x'.repeat(20_000);
    const events = parseNamedLog(
      `${long}\ndumping master file: rename: ${long}: permission denied\n${log}`,
    );
    expect(events.map((e) => [e.kind, e.lineNumber])).toEqual([
      ['freeze', 3],
      ['dump-failed', 4],
      ['thaw', 5],
    ]);
  });

  it('pushing in chunks gives the same events as one string', () => {
    const text = `${log}\nfile.c:393: unexpected error:\nunable to convert errno to isc_result: 18: Invalid cross-device link\ndumping master file: rename: b.db: unexpected error\n`;
    const parser = new NamedLogParser();
    const events: NamedLogEvent[] = [];
    for (const char of text) events.push(...parser.push(char));
    events.push(...parser.end());
    expect(events).toEqual(parseNamedLog(text));
    expect(events.at(-1)).toMatchObject({ errno: 18, strerror: 'Invalid cross-device link' });
  });

  it('a last line without newline is parsed by end(), or left out with partialLine: false', () => {
    const parser = new NamedLogParser();
    expect(parser.push('shutting down')).toEqual([]);
    expect(parser.end({ partialLine: false })).toEqual([]);
    const again = new NamedLogParser({ firstLineNumber: 10 });
    again.push('shutting down');
    expect(again.end()).toMatchObject([{ kind: 'shutdown', lineNumber: 10 }]);
  });

  it('a large log is parsed line by line', () => {
    const block = `${log}\n${'errno2result.c:120:isc___errno2result(): unexpected error: \nfile.c\n'}${'a: '.repeat(2000)}\n`;
    const text = block.repeat(5000);
    const events = parseNamedLog(text);
    expect(events.filter((e) => e.kind === 'dump-failed')).toHaveLength(5000);
    expect(events.filter((e) => e.kind === 'unexpected-error')).toHaveLength(5000);
  });

  it('property: random text never throws, events point at real lines', () => {
    const fragments = [
      'dumping master file: ',
      'rename: ',
      ': open: ',
      'unexpected error',
      'errno2result.c:120:isc___errno2result(): unexpected error: ',
      'file.c',
      'unable to convert errno to isc_result: ',
      'zone ',
      "updating zone '",
      "'/IN': ",
      'client @0x1 ',
      '24-Nov-2026 19:21:41.401 ',
      '2026-11-24T17:47:11.316Z ',
      'Nov 24 17:47:11 ',
      'general: ',
      'error: ',
      '\n',
      '\r\n',
      ':',
      "'",
      '/',
      ' ',
    ];
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join('')),
      fc
        .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 })), {
          maxLength: 80,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(
        text,
        fc.option(fc.date({ noInvalidDate: false }), { nil: undefined }),
        (input, since) => {
          const events = parseNamedLog(input, since === undefined ? {} : { since });
          const lineCount = input.split('\n').length;
          for (const event of events) {
            expect(event.raw.length).toBeGreaterThan(0);
            expect(event.lineNumber).toBeGreaterThanOrEqual(1);
            expect(event.lineNumber).toBeLessThanOrEqual(lineCount);
            if (event.time !== undefined) expect(Number.isNaN(event.time.getTime())).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on non-string input from JavaScript callers', () => {
    expect(parseNamedLog(undefined as unknown as string)).toEqual([]);
    expect(parseNamedLog(42 as unknown as string)).toEqual([]);
  });
});

describe('NamedLogWatcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rndc-log-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (): string => join(dir, `named-${++n}.log`);

  it('reads only what was logged after the mark; a line being written waits', async () => {
    const path = file();
    writeFileSync(path, "freezing zone 'a/IN': success\n");
    const watcher = new NamedLogWatcher(path);
    const mark = watcher.mark();
    expect(mark).toBeGreaterThan(0);
    expect(await watcher.eventsSince(mark)).toEqual([]);
    appendFileSync(path, "thawing zone 'a/IN': success\nshutting down");
    expect(await watcher.eventsSince(mark)).toMatchObject([{ kind: 'thaw', lineNumber: 1 }]);
    appendFileSync(path, ': flushing changes\n');
    expect((await watcher.eventsSince(mark)).map((e) => e.kind)).toEqual(['thaw', 'shutdown']);
    expect((await watcher.eventsSince(0)).map((e) => e.kind)).toEqual([
      'freeze',
      'thaw',
      'shutdown',
    ]);
  });

  it('a missing file gives mark 0 and no events', async () => {
    const watcher = new NamedLogWatcher(join(dir, 'missing.log'));
    expect(watcher.mark()).toBe(0);
    expect(await watcher.eventsSince(0)).toEqual([]);
  });

  it('truncation and rotation restart at 0', async () => {
    const path = file();
    writeFileSync(path, `${"freezing zone 'a/IN': success\n".repeat(5)}`);
    const watcher = new NamedLogWatcher(path);
    const mark = watcher.mark();
    truncateSync(path, 0);
    appendFileSync(path, "thawing zone 'a/IN': success\n");
    expect((await watcher.eventsSince(mark)).map((e) => e.kind)).toEqual(['thaw']);

    const mark2 = watcher.mark();
    renameSync(path, `${path}.0`);
    writeFileSync(path, `${'x'.repeat(mark2 + 10)}\nshutting down\n`);
    expect((await watcher.eventsSince(mark2)).map((e) => e.kind)).toEqual(['shutdown']);
  });

  it('waitFor resolves with the first matching event logged later', async () => {
    const path = file();
    writeFileSync(path, 'dumping master file: rename: old.db: permission denied\n');
    const watcher = new NamedLogWatcher(path, { pollMs: 10 });
    const mark = watcher.mark();
    setTimeout(() => {
      appendFileSync(
        path,
        "sync: dumping zone 'a/IN': success\nerrno2result.c:120:isc___errno2result(): unexpected error: \n",
      );
      setTimeout(
        () =>
          appendFileSync(path, 'file.c\ndumping master file: rename: new.db: unexpected error\n'),
        60,
      );
    }, 30);
    const result = await watcher.waitFor((e): e is DumpFailedEvent => e.kind === 'dump-failed', {
      since: mark,
      timeoutMs: 5000,
    });
    const event = result.unwrap();
    expect(event).toMatchObject({
      file: 'new.db',
      unexpectedErrorAt: 'errno2result.c:120',
      lineNumber: 2,
    });
    expect(event.raw).toHaveLength(3);
  });

  it('waitFor without since starts at the current end', async () => {
    const path = file();
    writeFileSync(path, 'shutting down\n');
    const watcher = new NamedLogWatcher(path, { pollMs: 10 });
    const waiting = watcher.waitFor((e) => e.kind === 'shutdown', { timeoutMs: 3000 });
    setTimeout(() => appendFileSync(path, 'shutting down: flushing changes\n'), 50);
    expect((await waiting).unwrap()).toMatchObject({ kind: 'shutdown', flush: true });
  });

  it('waitFor times out or is aborted with an error value carrying what it saw', async () => {
    const path = file();
    writeFileSync(path, '');
    const watcher = new NamedLogWatcher(path, { pollMs: 10 });
    setTimeout(() => appendFileSync(path, "thawing zone 'a/IN': success\n"), 20);
    const timeout = await watcher.waitFor((e) => e.kind === 'dump-failed', {
      since: 0,
      timeoutMs: 200,
    });
    expect(timeout.isErr()).toBe(true);
    const error = timeout.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.seen.map((e) => e.kind)).toEqual(['thaw']);
    expect(error.message).toContain(path);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const aborted = await watcher.waitFor(() => false, {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    expect(aborted.unwrapErr().kind).toBe('aborted');
  });

  it('waitFor releases a lone errno report once the log is quiet', async () => {
    const path = file();
    writeFileSync(path, '');
    const watcher = new NamedLogWatcher(path, { pollMs: 10 });
    setTimeout(
      () =>
        appendFileSync(
          path,
          'errno2result.c:120:isc___errno2result(): unexpected error: \nfile.c\n',
        ),
      20,
    );
    const result = await watcher.waitFor((e) => e.kind === 'unexpected-error', {
      since: 0,
      timeoutMs: 3000,
    });
    expect(result.unwrap()).toMatchObject({ callerFile: 'file.c' });
  });

  it('a predicate that throws counts as no match', async () => {
    const path = file();
    writeFileSync(path, 'shutting down\n');
    const watcher = new NamedLogWatcher(path, { pollMs: 10 });
    const result = await watcher.waitFor(
      () => {
        throw new Error('boom');
      },
      { since: 0, timeoutMs: 100 },
    );
    expect(result.unwrapErr().kind).toBe('timeout');
  });
});
