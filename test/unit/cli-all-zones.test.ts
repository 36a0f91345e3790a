// The all-zones form of `sync --verify` / `freeze --verify` without a real named: the table's
// columns and its defence against hostile zone and view names (named.conf is read from disk),
// the progress line's growing count, and the usage errors given before anything is sent.
import { describe, expect, it, vi } from 'vitest';
import { startProgress } from '../../src/cli/progress.js';
import { runCli } from '../../src/cli/run.js';
import { zonesTable } from '../../src/cli/verify-all-command.js';
import type { AllZonesDump, ZoneDumpResult } from '../../src/dump/all-zones.js';
import { fakeIo } from '../helpers/cli-io.js';

const ESC = String.fromCharCode(27);

function result(fields: Partial<ZoneDumpResult> & Pick<ZoneDumpResult, 'zone' | 'status'>) {
  return {
    class: 'IN',
    view: undefined,
    verdict: undefined,
    evidence: undefined,
    response: undefined,
    error: undefined,
    skipped: undefined,
    wasFrozen: false,
    journalCleaned: false,
    elapsedMs: 1234,
    ...fields,
  } as ZoneDumpResult;
}

function dump(zones: ZoneDumpResult[]): AllZonesDump {
  return {
    command: 'sync',
    clean: false,
    zones,
    summary: {
      allProven: false,
      total: zones.length,
      proven: 0,
      failed: 0,
      notProven: 0,
      skipped: 0,
      text: '',
    },
    namedConf: undefined,
    notes: [],
  };
}

const evidence = (served: number, file: number, failedStep?: string) =>
  ({ servedSerial: served, fileSerialAfter: file, failedStep }) as ZoneDumpResult['evidence'];

describe('zonesTable', () => {
  it('zone, view, served serial, file serial, verdict, time; aligned', () => {
    const table = zonesTable(
      dump([
        result({
          zone: 'a.test',
          view: 'internal',
          status: 'proven',
          verdict: 'written',
          evidence: evidence(5, 5),
          journalCleaned: true,
        }),
        result({
          zone: 'bb.test',
          status: 'failed',
          verdict: 'failed',
          evidence: evidence(5, 4, 'rename'),
        }),
        result({ zone: 'c.test', class: 'CH', status: 'not-proven' }),
        result({ zone: 'd.test', status: 'skipped', skipped: 'not dynamic', elapsedMs: 0 }),
        result({ zone: 'e.test', status: 'proven', verdict: 'nothing-pending', wasFrozen: true }),
      ]),
    );
    expect(table).toBe(
      [
        'ZONE       VIEW      SERVED  FILE  VERDICT                       TIME',
        'a.test     internal  5       5     WRITTEN, journal deleted      1.23 s',
        'bb.test    -         5       4     FAILED (rename)               1.23 s',
        'c.test/CH  -         -       -     NOT PROVEN                    1.23 s',
        'd.test     -         -       -     skipped: not dynamic          0.00 s',
        'e.test     -         -       -     nothing pending (was frozen)  1.23 s',
        '',
      ].join('\n'),
    );
  });

  it('hostile names from named.conf: control characters escaped, width bounded', () => {
    const table = zonesTable(
      dump([
        result({ zone: `x${ESC}]0;pwned\x07.test`, view: `v\r\n${ESC}[2J`, status: 'not-proven' }),
        result({ zone: 'y'.repeat(100_000), status: 'not-proven' }),
      ]),
    );
    expect([...table].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(table).toContain('x\\x1b]0;pwned\\x07.test');
    expect(table).toContain('v\\x0d\\x0a\\x1b[2J');
    for (const line of table.split('\n')) expect(line.length).toBeLessThan(400);
  });
});

describe('progress line with a count', () => {
  it('`what` as a function is asked at each redraw', () => {
    vi.useFakeTimers();
    try {
      const io = fakeIo({ isTTY: true });
      let settled = 0;
      const stop = startProgress(
        io,
        () => `waiting for named to write every zone (${settled} settled)`,
        {
          deadlineMs: 60_000,
        },
      );
      expect(io.err()).toContain('(0 settled) … 0.0 s of 60 s');
      settled = 2;
      vi.advanceTimersByTime(1000);
      expect(io.err()).toMatch(/\(2 settled\) … 1\.0 s of 60 s$/);
      stop();
      expect(io.err().endsWith(`\r${ESC}[K`)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('usage errors of the all-zones form, before anything is sent', () => {
  it.each([
    [['sync', '--verify', '--zone-file', 'db.x'], /--zone-file names one zone's file/],
    [['freeze', '--verify', '--clean'], /--clean applies only to sync/],
    [['sync', '--verify', '--wait', 'soon'], /--wait 'soon' is not a number of seconds/],
    [['sync', '-clean'], /'sync --verify --clean' proves every zone/],
  ])('%j', async (args, message) => {
    const io = fakeIo();
    expect(await runCli(['-c', '/nonexistent/rndc.conf', ...args], io)).toBe(1);
    expect(io.err()).toMatch(message);
    expect(io.out()).toBe('');
  });

  it('a configuration that cannot be read: one error, or one JSON document', async () => {
    const text = fakeIo();
    expect(await runCli(['-c', '/nonexistent/rndc.conf', 'sync', '--verify'], text)).toBe(1);
    expect(text.err()).toMatch(/^rndc-js: /);
    const json = fakeIo();
    expect(
      await runCli(['-c', '/nonexistent/rndc.conf', 'freeze', '--verify', '--json'], json),
    ).toBe(1);
    const document = JSON.parse(json.out());
    expect(document).toMatchObject({ ok: false, command: 'freeze', zone: null, zones: [] });
    expect(document.error.message).toMatch(/rndc\.conf/);
  });
});
