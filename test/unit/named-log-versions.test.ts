// named's own log lines from BIND 9.16.50, 9.18.49 and 9.20.23, captured from startNamed({ version })
// in the failure layouts of the integration tests (test/fixtures/named-logs/<version>/):
// - unwritable-dir: named -u nobody; ro/ not writable (open fails), sticky/ 1777 with a root-owned
//   zone file (rename fails), zones/ root-owned (journal create fails); sync, sync -clean, freeze
//   (twice), thaw, sync and freeze of all zones, SIGTERM;
// - read-only-mount: zones/ bind-mounted read-only in named's mount namespace (EROFS); sync, freeze;
// - zone-file-mount-point: the zone file bind-mounted over itself (Kubernetes subPath: EBUSY on
//   rename); sync, freeze;
// - shutdown: SIGTERM, restart, `rndc stop`, then `rndc halt` on another instance.
// What differs by version comes from one table (test/helpers/dump-versions.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DumpFailedEvent, type NamedLogEvent, parseNamedLog } from '../../src/dump/log.js';
import { SUPPORTED_BIND_VERSIONS } from '../../src/testing/bind-versions.js';
import { DUMP_BEHAVIOUR } from '../helpers/dump-versions.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/named-logs');

function events(version: string, name: string): NamedLogEvent[] {
  return parseNamedLog(readFileSync(join(FIXTURES, version, `${name}.log`), 'utf8'));
}

const of = <K extends NamedLogEvent['kind']>(list: NamedLogEvent[], kind: K) =>
  list.filter((e): e is Extract<NamedLogEvent, { kind: K }> => e.kind === kind);

describe.each(SUPPORTED_BIND_VERSIONS)('BIND %s, as captured', (version) => {
  const b = DUMP_BEHAVIOUR[version];
  const refused = b.openFailureAnswer !== undefined;

  it('a zone directory named cannot write: every dump fails at open, and the sync/freeze lines say what rndc was told', () => {
    const all = events(version, 'unwritable-dir');
    // Nothing named logged about dumps, journals or commands is left unrecognised.
    expect(of(all, 'unexpected-error')).toEqual([]);
    expect(of(all, 'journal-failed')).toMatchObject([
      { file: 'zones/dyn.test.db.jnl', step: 'create', result: 'permission denied' },
    ]);
    expect(of(all, 'sync').map((e) => [e.zone ?? '*', e.removesJournal, e.result])).toEqual([
      ['ro.test', false, b.openFailureLogResult],
      ['ro.test', true, b.openFailureLogResult],
      ['sticky.test', false, 'success'],
      // `sync` of all zones: success on every version, 9.20 included, though ro.test failed.
      ['*', false, 'success'],
    ]);
    const failedFreeze = refused ? 'permission denied' : undefined;
    expect(of(all, 'freeze').map((e) => [e.zone ?? '*', e.result, e.severity])).toEqual([
      ['ro.test', failedFreeze ?? 'success', 'info'],
      // 9.20 left the zone thawed, so the second freeze dumps (and fails) again.
      ['ro.test', failedFreeze ?? 'already frozen', 'info'],
      ...(refused ? [['ro.test', 'permission denied', 'error']] : []),
      ['*', failedFreeze ?? 'success', 'info'],
    ]);
    const dumps = of(all, 'dump-failed');
    const opens = dumps.filter((e) => e.step === 'open');
    expect(opens).toHaveLength(b.frozenAfterFailedOpen ? 5 : 6);
    for (const e of opens) {
      expect(e).toMatchObject({ result: 'permission denied', tempFileLeft: false });
      expect(e.file).toMatch(/^ro\/tmp-[A-Za-z0-9]{10}$/);
    }
    expect(dumps.filter((e) => e.step === 'rename')).toEqual(
      Array(3).fill(
        expect.objectContaining({
          file: 'sticky/sticky.test.db',
          result: 'permission denied',
          tempFileLeft: true,
        }),
      ),
    );
    // An update while "frozen": refused only where the failed freeze froze the zone.
    expect(of(all, 'update-failed').map((e) => e.result)).toEqual([
      'unexpected error',
      ...(b.frozenAfterFailedOpen ? ['REFUSED'] : []),
    ]);
    expect(of(all, 'shutdown')).toMatchObject([{ flush: false }]);
    expect(of(all, 'exiting')).toMatchObject([{ fatal: false }]);
  });

  it(`a read-only mount (EROFS): open fails with "${b.readOnlyMountOpenResult}"`, () => {
    const all = events(version, 'read-only-mount');
    expect(of(all, 'unexpected-error')).toEqual([]);
    const dumps = of(all, 'dump-failed');
    expect(dumps).toHaveLength(2);
    for (const e of dumps) {
      expect(e).toMatchObject({ step: 'open', result: b.readOnlyMountOpenResult });
      expect(e.file).toMatch(/^zones\/tmp-[A-Za-z0-9]{10}$/);
      if (b.logsErrno) {
        expect(e).toMatchObject({ errno: 30, strerror: 'Read-only file system' });
        expect(e.unexpectedErrorAt).toMatch(b.unexpectedErrorAt);
        expect(e.raw).toHaveLength(3);
      } else {
        expect(e.errno).toBeUndefined();
        expect(e.raw).toHaveLength(1);
      }
    }
    expect(of(all, 'sync').map((e) => e.result)).toEqual([b.openFailureLogResult]);
    expect(of(all, 'freeze').map((e) => e.result)).toEqual([
      refused ? 'permission denied' : 'success',
    ]);
  });

  it('a zone file that is a mount point (EBUSY): the unmapped-errno lines and the rename failure are one event', () => {
    const all = events(version, 'zone-file-mount-point');
    expect(of(all, 'unexpected-error')).toEqual([]);
    const dumps = of(all, 'dump-failed');
    expect(dumps).toHaveLength(2);
    for (const e of dumps) {
      expect(e).toMatchObject({
        step: 'rename',
        file: 'zones/dyn.test.db',
        result: 'unexpected error',
        tempFileLeft: true,
      } satisfies Partial<DumpFailedEvent>);
      expect(e.raw).toHaveLength(3);
      expect(e.unexpectedErrorAt).toMatch(b.unexpectedErrorAt);
      if (b.logsErrno) expect(e).toMatchObject({ errno: 16, strerror: 'Device or resource busy' });
      else expect(e.errno).toBeUndefined();
    }
    // A failed rename is asynchronous on every version: rndc is told success.
    expect(of(all, 'sync').map((e) => e.result)).toEqual(['success']);
    expect(of(all, 'freeze').map((e) => e.result)).toEqual(['success']);
  });

  it('SIGTERM and halt do not flush, rndc stop does; the managed-keys zone as the version has it', () => {
    const all = events(version, 'shutdown');
    expect(of(all, 'shutdown').map((e) => e.flush)).toEqual([false, true, false]);
    expect(of(all, 'exiting').map((e) => e.fatal)).toEqual([false, false, false]);
    expect(of(all, 'control-command').map((e) => e.command)).toEqual(['stop', 'halt']);
    const loaded = of(all, 'zone-loaded');
    expect(loaded.filter((e) => e.zone === 'dyn.test').map((e) => e.serial)).toEqual([2024010102]);
    expect(loaded.filter((e) => e.special === 'managed-keys')).toHaveLength(
      b.managedKeysZone ? 1 : 0,
    );
  });
});

// Releases not run here: lines built from BIND's source (lib/isc/errno2result.c, the
// UNEXPECTED_ERROR macro of lib/isc/include/isc/util.h and lib/isc/file.c of each tag).
describe('9.18 releases before 9.18.17', () => {
  const at = '03-Dec-2026 01:06:23.819 general: error:';

  it('9.18.9–9.18.16: errno2result.c:119 (or :122, the macro call’s last line), the caller’s file name, the rename', () => {
    for (const line of [119, 122]) {
      const [event, ...rest] = parseNamedLog(
        [
          `${at} errno2result.c:${line}:isc___errno2result(): unexpected error: `,
          `${at} file.c`,
          `${at} dumping master file: rename: zones/dyn.test.db: unexpected error`,
        ].join('\n'),
      );
      expect(rest).toEqual([]);
      expect(event).toMatchObject({
        kind: 'dump-failed',
        step: 'rename',
        result: 'unexpected error',
        unexpectedErrorAt: `errno2result.c:${line}`,
      });
    }
  });

  it('9.18.0–9.18.16: EROFS is not mapped, so a read-only mount gives "open: unexpected error" (9.18.0–9.18.8 with the errno)', () => {
    const [event, ...rest] = parseNamedLog(
      [
        `${at} file.c:355: unexpected error:`,
        `${at} unable to convert errno to isc_result: 30: Read-only file system`,
        `${at} dumping master file: zones/tmp-uluAxvQKrE: open: unexpected error`,
      ].join('\n'),
    );
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      kind: 'dump-failed',
      step: 'open',
      result: 'unexpected error',
      errno: 30,
      strerror: 'Read-only file system',
      unexpectedErrorAt: 'file.c:355',
    });
  });
});
