// The control channel's per-version tables: which command words each BIND release knows, the
// result-code names `rndc -r` prints for each numbering, and the status/zonestatus lines of
// every version parsed into typed fields. The word lists are control.h at each tag; the texts
// and result numbers were captured from the real 9.16.50, 9.18.49 and 9.20.23.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandsIn, unavailableIn } from '../../src/control/commands.js';
import { parseServerStatus, parseZoneStatus } from '../../src/control/parse.js';
import { renderLikeRndc } from '../../src/control/render.js';
import { resultName, rndcResultId } from '../../src/control/result-codes.js';
import { compareVersion, parseVersionText, versionFromStatus } from '../../src/control/versions.js';
import { CONTROL_H_916_918, CONTROL_H_920 } from '../helpers/control-h.js';
import { untypedStatusLines, untypedZoneLines } from '../helpers/status-lines.js';

const V916 = { major: 9, minor: 16, patch: 50 };
const V918 = { major: 9, minor: 18, patch: 49 };
const V920 = { major: 9, minor: 20, patch: 23 };

function words(version: typeof V916): string[] {
  return commandsIn(version)
    .flatMap((c) => [c.word, ...(c.aliases ?? [])])
    .sort();
}

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/rndc-texts/${name}.txt`, import.meta.url), 'utf8');
}

describe('command catalog per BIND version', () => {
  it('9.16.50 and 9.18.49 know exactly control.h’s 44 words; 9.20.23 its 46', () => {
    expect(words(V916)).toEqual([...CONTROL_H_916_918].sort());
    expect(words(V918)).toEqual([...CONTROL_H_916_918].sort());
    expect(words(V920)).toEqual([...CONTROL_H_920].sort());
  });

  it('names what a release lacks and where it exists', () => {
    expect(unavailableIn('tsig-list', V920)).toEqual({
      word: 'tsig-list',
      removedIn: '9.20.0',
      availableIn: 'BIND before 9.20.0',
    });
    expect(unavailableIn('TSIG-DELETE key', V920)?.removedIn).toBe('9.20.0');
    expect(unavailableIn('timerpoke', V920)?.removedIn).toBe('9.20.0');
    expect(unavailableIn('tsig-list', V918)).toBeUndefined();
    expect(unavailableIn('tsig-list', V916)).toBeUndefined();
    for (const [line, since] of [
      ['fetchlimit', '9.20.0'],
      ['skr -import f.skr z.test', '9.20.2'],
      ['responselog on', '9.20.3'],
      ['memprof dump', '9.20.6'],
      ['reset-stats recursive-high-water', '9.20.8'],
    ] as const) {
      expect(unavailableIn(line, V918)).toMatchObject({ addedIn: since });
      expect(unavailableIn(line, V916)).toMatchObject({ addedIn: since });
      expect(unavailableIn(line, V920)).toBeUndefined();
      expect(unavailableIn(line, { major: 9, minor: 20, patch: 0 }) === undefined).toBe(
        since === '9.20.0',
      );
    }
  });

  it('knows options added later: retransfer -force (9.20.1), dnssec -step (9.20.13), dnssec in 9.16', () => {
    expect(unavailableIn('retransfer -force z.test', V918)).toEqual({
      word: 'retransfer',
      option: '-force',
      addedIn: '9.20.1',
      availableIn: 'BIND 9.20.1 and later',
    });
    expect(unavailableIn('retransfer z.test', V918)).toBeUndefined();
    expect(
      unavailableIn('retransfer -force z.test', { major: 9, minor: 20, patch: 0 }),
    ).toBeDefined();
    expect(unavailableIn('retransfer -force z.test', V920)).toBeUndefined();
    expect(unavailableIn('dnssec -step z.test', { major: 9, minor: 20, patch: 12 })?.option).toBe(
      '-step',
    );
    expect(unavailableIn('dnssec -step z.test', V920)).toBeUndefined();
    expect(unavailableIn('dnssec -status z.test', { major: 9, minor: 16, patch: 4 })?.addedIn).toBe(
      '9.16.5',
    );
    expect(
      unavailableIn('dnssec -rollover -key 1 z.test', { major: 9, minor: 16, patch: 7 })?.option,
    ).toBe('-rollover');
    expect(unavailableIn('dnssec -rollover -key 1 z.test', V916)).toBeUndefined();
    // Words no version knows are left to named.
    expect(unavailableIn('frobnicate', V920)).toBeUndefined();
  });
});

describe('server version', () => {
  it('reads the version line of every version’s status', () => {
    expect(versionFromStatus(fixture('status-9.16'))).toMatchObject({
      ...V916,
      series: '9.16',
      number: '9.16.50',
    });
    expect(versionFromStatus(fixture('status'))).toMatchObject({ ...V918, series: '9.18' });
    expect(versionFromStatus(fixture('status-9.20'))).toMatchObject({
      ...V920,
      text: 'BIND 9.20.23-1~deb13u1~bpo12+1-Debian (Stable Release) <id:>',
    });
  });

  it('refuses what is not a BIND version line, and bounds what it keeps', () => {
    expect(versionFromStatus('')).toBeUndefined();
    expect(versionFromStatus('running on x: y\nversion: NSD 4.1.0')).toBeUndefined();
    expect(versionFromStatus(`version: BIND 9.${'9'.repeat(100)}.1`)).toBeUndefined();
    expect(versionFromStatus(42 as unknown as string)).toBeUndefined();
    expect(parseVersionText(`BIND 9.20.1${'x'.repeat(100_000)}`)?.text.length).toBeLessThanOrEqual(
      200,
    );
    expect(compareVersion(V920, '9.20')).toBe(0);
    expect(compareVersion(V920, '9.20.24')).toBeLessThan(0);
    expect(compareVersion(V916, '9.18.0')).toBeLessThan(0);
  });
});

describe('result-code names per version (rndc -r)', () => {
  // Captured from each version's rndc -r against its own named.
  const CAPTURED: ReadonlyArray<readonly [string, number, number, number]> = [
    ['DNS_R_UNKNOWNCOMMAND', 65635, 172, 173],
    ['DNS_R_DYNAMIC', 65634, 171, 172],
    ['DNS_R_NOTDYNAMIC', 65644, 181, 182],
    ['DNS_R_FROZEN', 65617, 154, 155],
    ['DNS_R_UNKNOWN', 65543, 80, 81],
    ['ISC_R_NOTFOUND', 23, 23, 23],
    ['ISC_R_UNEXPECTEDEND', 24, 24, 24],
    ['ISC_R_EXISTS', 18, 18, 18],
    ['ISC_R_RANGE', 41, 41, 41],
    ['ISC_R_BADNUMBER', 56, 56, 56],
  ];

  it('names each captured number as its own version numbers it', () => {
    for (const [name, n916, n918, n920] of CAPTURED) {
      expect(resultName(n916, V916)).toBe(name);
      expect(resultName(n918, V918)).toBe(name);
      expect(resultName(n920, V920)).toBe(name);
    }
    // The same number means different things: 172 is 9.18's unknown command, 9.20's dynamic zone.
    expect(resultName(172, V918)).toBe('DNS_R_UNKNOWNCOMMAND');
    expect(resultName(172, V920)).toBe('DNS_R_DYNAMIC');
    expect(resultName(172)).toBe('DNS_R_UNKNOWNCOMMAND'); // no version: 9.18's numbering
    expect(resultName(-1, V920)).toBe('NONE');
    expect(resultName(1 << 30, V916)).toBe('UNKNOWN');
    expect(resultName(99_999, V920)).toBe('UNKNOWN');
  });

  it('prints what each version’s rndc -r prints: 9.16’s rndc has no DNS identifiers', () => {
    expect(rndcResultId(65635, V916)).toBe('(result code text not available)');
    expect(rndcResultId(23, V916)).toBe('ISC_R_NOTFOUND');
    expect(rndcResultId(173, V920)).toBe('DNS_R_UNKNOWNCOMMAND');
    const reply = { command: 'frobnicate', result: 65635, err: 'unknown command', text: '' };
    expect(renderLikeRndc(reply, { showResult: true, serverVersion: V916 }).stdout).toBe(
      '(result code text not available) 65635\n',
    );
    expect(
      renderLikeRndc(
        {
          ...reply,
          result: 173,
          serverVersion: { ...V920, series: '9.20', number: '9.20.23', text: '' },
        },
        { showResult: true },
      ).stdout,
    ).toBe('DNS_R_UNKNOWNCOMMAND 173\n');
  });
});

describe('status and zonestatus of every version: every line typed', () => {
  for (const name of ['status-9.16', 'status', 'status-querylog-debug', 'status-9.20']) {
    it(`${name}: no line in extra, every line in its field`, () => {
      const text = fixture(name);
      const parsed = parseServerStatus(text);
      expect(untypedStatusLines(text, parsed)).toEqual([]);
      expect(parsed.running).toBe(true);
    });
  }

  it('9.20’s new lines have their values', () => {
    const parsed = parseServerStatus(fixture('status-9.20'));
    expect(parsed).toMatchObject({
      xfersFirstRefresh: 0,
      responseLogging: false,
      memoryProfiling: 'INACTIVE',
      recursiveHighWater: 0,
      queryLogging: false,
    });
    expect(parsed.udpListenersPerInterface).toBeUndefined();
    expect(
      parseServerStatus('response logging is ON\nmemory profiling is UNSUPPORTED').extra,
    ).toEqual({});
    // A value named never prints stays visible, in extra, rather than being guessed.
    expect(parseServerStatus('memory profiling is maybe').extra).toEqual({
      'memory profiling is maybe': '',
    });
  });

  for (const name of [
    'zonestatus-inline-signed-9.16',
    'zonestatus-inline-signed',
    'zonestatus-inline-signed-9.20',
    'zonestatus-secondary',
  ]) {
    it(`${name}: no line in extra, every line in its field`, () => {
      const text = fixture(name);
      expect(untypedZoneLines(text, parseZoneStatus(text))).toEqual([]);
    });
  }
});
