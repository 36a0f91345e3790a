// The dump-trigger table: well-formed, consistent with the command catalog's diskEffect, and
// expectedDiskEffect's windows (research/dump-behaviour.md §1.1, §1.2, §7.1).
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandInfo, type DiskEffectTiming } from '../../src/control/commands.js';
import { type DumpTiming, dumpTriggers, expectedDiskEffect } from '../../src/dump/triggers.js';

describe('dumpTriggers', () => {
  it('ids are unique; every row is complete and frozen', () => {
    const ids = dumpTriggers.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.isFrozen(dumpTriggers)).toBe(true);
    for (const trigger of dumpTriggers) {
      expect(Object.isFrozen(trigger)).toBe(true);
      expect(trigger.operation.length).toBeGreaterThan(0);
      expect(trigger.note.length).toBeGreaterThan(20);
      expect(trigger.source).toMatch(/^[a-z]+\.c:\d+.*\(BIND 9\.18\.49\)$/);
      expect(new Set(trigger.writes).size).toBe(trigger.writes.length);
      if (trigger.timing === 'never') expect(trigger.writes).toEqual([]);
      else expect(trigger.writes.length).toBeGreaterThan(0);
      if (trigger.timing === 'delayed') {
        const [min, max] = trigger.delaySeconds ?? [Number.NaN, Number.NaN];
        expect(min).toBeLessThanOrEqual(max);
      } else {
        expect(trigger.delaySeconds).toBeUndefined();
      }
    }
  });

  it('delays are DNS_DUMP_DELAY (900) or 30 with the jitter of DNS_ZONE_JITTER_ADD', () => {
    // zone.c:1017-1031: delay - isc_random_uniform(delay / 4), uniform in [0, delay/4).
    const jittered = (delay: number): [number, number] => [
      delay - (Math.floor(delay / 4) - 1),
      delay,
    ];
    expect(jittered(900)).toEqual([676, 900]);
    expect(jittered(30)).toEqual([24, 30]);
    for (const trigger of dumpTriggers.filter((t) => t.timing === 'delayed')) {
      expect([jittered(900), jittered(30)]).toContainEqual(trigger.delaySeconds);
    }
    const delays = Object.fromEntries(dumpTriggers.map((t) => [t.id, t.delaySeconds]));
    expect(delays.update).toEqual([676, 900]);
    expect(delays['journal-rollforward']).toEqual([676, 900]);
    expect(delays['dnssec-maintenance']).toEqual([676, 900]);
    expect(delays['dump-retry']).toEqual([676, 900]);
    expect(delays['rndc-signing']).toEqual([24, 30]);
    expect(delays['managed-keys-refresh']).toEqual([24, 30]);
  });

  it('covers the operations of research §1.2 / §7.1 with their timing', () => {
    const timing = Object.fromEntries(dumpTriggers.map((t) => [t.id, t.timing]));
    expect(timing).toMatchObject({
      update: 'delayed',
      'inline-signing-secure-db': 'async-now',
      sync: 'async-now',
      'sync-clean': 'async-now',
      freeze: 'async-now',
      thaw: 'never',
      stop: 'at-exit',
      halt: 'never',
      sigterm: 'never',
      'reload-dynamic': 'never',
      dumpdb: 'async-now',
      // Neither time alone nor serving the zone (AXFR/IXFR/SOA) writes anything.
      'time-passing': 'never',
      'outgoing-transfer': 'never',
    } satisfies Record<string, DumpTiming>);
    const byId = new Map(dumpTriggers.map((t) => [t.id, t]));
    expect(byId.get('update')?.writes).toEqual(['journal', 'zone-file']);
    expect(byId.get('inline-signing-secure-db')?.writes).toEqual(['signed-file']);
    expect(byId.get('dumpdb')?.writes).toEqual(['dump-file']);
    expect(byId.get('sync-clean')?.deletesJournal).toBe(true);
    expect(byId.get('sync')?.deletesJournal).toBeUndefined();
    expect(dumpTriggers.filter((t) => t.deletesJournal).map((t) => t.id)).toEqual(['sync-clean']);
    // SIGINT ends named like SIGTERM (lib/isc/app.c), i.e. like rndc halt, not rndc stop.
    expect(byId.get('sigterm')?.operation).toMatch(/SIGTERM or SIGINT/);
    expect(byId.get('sigterm')?.note).toMatch(/like rndc halt, not rndc stop/);
  });

  describe('consistency with the command catalog (src/control/commands.ts)', () => {
    const withCommands = dumpTriggers.filter((t) => t.commands !== undefined);

    it('every command word exists in COMMANDS', () => {
      for (const trigger of withCommands) {
        for (const word of trigger.commands ?? []) expect(commandInfo(word), word).toBeDefined();
      }
    });

    it("the trigger's timing matches the command's diskEffect.when", () => {
      const allowed: Record<DumpTiming, readonly (DiskEffectTiming | null)[]> = {
        immediate: ['immediately'],
        'async-now': ['asynchronously'],
        delayed: ['scheduled', 'after-transfer'],
        'at-exit': ['at-exit'],
        // No write: no diskEffect, or one that writes no zone file (thaw re-reads, halt writes NTAs).
        never: [null, 'asynchronously', 'at-exit'],
      };
      for (const trigger of withCommands) {
        for (const word of trigger.commands ?? []) {
          const effect = commandInfo(word)?.diskEffect ?? null;
          expect(allowed[trigger.timing], `${trigger.id} / ${word}`).toContain(
            effect?.when ?? null,
          );
        }
      }
    });

    it('what the trigger writes is what the command says it writes', () => {
      for (const trigger of withCommands) {
        for (const word of trigger.commands ?? []) {
          const effect = commandInfo(word)?.diskEffect;
          const label = `${trigger.id} / ${word}`;
          if (trigger.writes.includes('zone-file'))
            expect(effect?.writes, label).toMatch(/zone file/);
          if (trigger.writes.includes('signed-file'))
            expect(effect?.writes, label).toMatch(/\.signed/);
          if (trigger.writes.includes('dump-file'))
            expect(effect?.writes, label).toMatch(/dump-file/);
          if (trigger.writes.includes('managed-keys-file')) {
            expect(effect?.writes, label).toMatch(/managed-keys\.bind/);
          }
          if (trigger.timing === 'never' && effect) {
            // thaw: "nothing is written"; halt: "zone files are NOT flushed".
            expect(effect.writes, label).toMatch(/nothing is written|NOT flushed/);
          }
          if (trigger.deletesJournal) expect(effect?.deletes, label).toMatch(/journal/);
        }
      }
    });

    it('delays quoted in the catalog match the table', () => {
      for (const trigger of withCommands.filter((t) => t.timing === 'delayed')) {
        const [min, max] = trigger.delaySeconds ?? [];
        for (const word of trigger.commands ?? []) {
          const effect = commandInfo(word)?.diskEffect;
          if (effect?.when !== 'scheduled') continue;
          expect(`${effect.writes} ${effect.note}`, `${trigger.id} / ${word}`).toContain(
            `${min}–${max} s`,
          );
        }
      }
    });

    it('every catalog command whose diskEffect names a zone file has a trigger row', () => {
      const covered = new Set(withCommands.flatMap((t) => t.commands ?? []));
      const zoneWriters = COMMANDS.filter(
        (c) =>
          c.diskEffect !== null &&
          /zone file|\.signed|zone files with pending/.test(c.diskEffect.writes),
      )
        .filter((c) => !/NOT flushed|nothing is written/.test(c.diskEffect?.writes ?? ''))
        .map((c) => c.word);
      // delzone only deletes files (with -clean); addzone/modzone write the .nzf, not zone files.
      for (const word of zoneWriters.filter((w) => !['delzone'].includes(w))) {
        expect(covered, word).toContain(word);
      }
      expect(zoneWriters).toEqual(
        expect.arrayContaining(['freeze', 'sync', 'stop', 'signing', 'sign', 'loadkeys']),
      );
    });

    it('commands that named answers before the disk effect are asynchronous in the catalog', () => {
      for (const trigger of withCommands.filter(
        (t) => t.timing === 'async-now' || t.timing === 'at-exit',
      )) {
        for (const word of trigger.commands ?? []) {
          if (word === 'managed-keys') continue; // only its sync form flushes
          expect(commandInfo(word)?.asynchronous, `${trigger.id} / ${word}`).toBe(true);
        }
      }
    });
  });
});

describe('expectedDiskEffect', () => {
  const at = new Date('2026-11-24T10:50:57Z');

  it('UPDATE: journal now, zone file 676–900 s later', () => {
    const report = expectedDiskEffect('update', at);
    expect(report).toEqual({
      summary:
        'journal written; zone file expected between 11:02:13 and 11:05:57 UTC (676–900 s after the first change since the last dump; earlier if a dump was already scheduled)',
      journalWritten: true,
      zoneFileNotBefore: new Date('2026-11-24T11:02:13Z'),
      zoneFileNotAfter: new Date('2026-11-24T11:05:57Z'),
      journalDeleted: false,
      trigger: 'update',
    });
    expect(
      report.summary.startsWith(
        'journal written; zone file expected between 11:02:13 and 11:05:57 UTC',
      ),
    ).toBe(true);
  });

  it('UPDATE near midnight: the window names the date', () => {
    const report = expectedDiskEffect('update', new Date('2026-12-31T23:50:00Z'));
    expect(report.summary).toContain('between 2027-01-01 00:01:16 and 2027-01-01 00:05:00 UTC');
    expect(report.zoneFileNotAfter?.toISOString()).toBe('2027-01-01T00:05:00.000Z');
  });

  it('sync, sync -clean, freeze, stop: dump started now, asynchronous', () => {
    const sync = expectedDiskEffect('sync', at);
    expect(sync).toMatchObject({
      journalWritten: false,
      zoneFileNotBefore: at,
      journalDeleted: false,
      trigger: 'sync',
    });
    expect(sync.summary).toMatch(/^dump started at 10:50:57 UTC \(asynchronous: verify\)/);
    expect(sync).not.toHaveProperty('zoneFileNotAfter');

    const clean = expectedDiskEffect('sync-clean', at);
    expect(clean).toMatchObject({
      journalDeleted: true,
      zoneFileNotBefore: at,
      trigger: 'sync-clean',
    });
    expect(clean.summary).toContain('journal deleted at once, even if the dump fails');

    const freeze = expectedDiskEffect('freeze', at);
    expect(freeze).toMatchObject({
      journalDeleted: false,
      zoneFileNotBefore: at,
      trigger: 'freeze',
    });
    expect(freeze.summary).toMatch(/asynchronous: verify.*updates refused until thaw/);

    const stop = expectedDiskEffect('stop', at);
    expect(stop).toMatchObject({ journalDeleted: false, zoneFileNotBefore: at, trigger: 'stop' });
    expect(stop.summary).toContain('at shutdown');
  });

  it('thaw and halt: no dump', () => {
    const thaw = expectedDiskEffect('thaw', at);
    expect(thaw).toMatchObject({ journalWritten: false, trigger: 'thaw' });
    expect(thaw).not.toHaveProperty('zoneFileNotBefore');
    expect(thaw).not.toHaveProperty('journalDeleted');
    expect(thaw.summary).toMatch(/^no dump/);
    const halt = expectedDiskEffect('halt', at);
    expect(halt).toMatchObject({ journalWritten: false, journalDeleted: false, trigger: 'halt' });
    expect(halt).not.toHaveProperty('zoneFileNotBefore');
    expect(halt.summary).toContain('only in the journal');
  });

  it('the reports follow the table', () => {
    for (const operation of [
      'update',
      'sync',
      'sync-clean',
      'freeze',
      'thaw',
      'stop',
      'halt',
    ] as const) {
      const report = expectedDiskEffect(operation, at);
      const row = dumpTriggers.find((t) => t.id === report.trigger);
      expect(row, operation).toBeDefined();
      expect(report.zoneFileNotBefore !== undefined, operation).toBe(
        row?.writes.includes('zone-file'),
      );
      expect(report.journalDeleted === true, operation).toBe(row?.deletesJournal === true);
    }
  });

  it('does not throw on an invalid date', () => {
    expect(expectedDiskEffect('update', new Date(Number.NaN)).summary).toContain('(invalid time)');
    expect(expectedDiskEffect('sync', new Date(Number.NaN)).summary).toContain('(invalid time)');
  });
});
