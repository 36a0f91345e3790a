// snapshotZone and verifyZoneWritten settle by their timeoutMs even when something under them
// never returns (issue 10 item 4): here a zonestatus source that never answers and ignores its
// signal, standing in for any call stuck in the kernel. The late work is abandoned, its signal
// aborted, and the result says what was still pending.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZoneStatus } from '../../src/control/parse.js';
import { snapshotZone, verifyZoneWritten, type ZoneStatusSource } from '../../src/dump/verify.js';
import { timed } from '../helpers/timed.js';

const dir = mkdtempSync(join(tmpdir(), 'verify-deadline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zoneFile = join(dir, 'dyn.test.db');
writeFileSync(zoneFile, '@ 300 IN SOA ns hostmaster 5 3600 600 86400 300\n');

const TIMEOUT_MS = 1000;
/** "Settles by timeoutMs + 2 s" (a bound, not a speed measurement). */
const BOUND_MS = TIMEOUT_MS + 2000;

/** Answers zonestatus `answers` times (serial 6: a change not yet dumped), then never again. */
function source(answers: number): ZoneStatusSource & { signals: AbortSignal[] } {
  let left = answers;
  const signals: AbortSignal[] = [];
  return {
    signals,
    zonestatus: (_zone, options) => {
      if (options?.signal) signals.push(options.signal);
      if (left-- > 0) {
        return Promise.resolve(Ok({ files: [zoneFile], serial: 6 } as ZoneStatus));
      }
      return new Promise(() => {}); // stuck: never settles, ignores the signal
    },
    status: () => new Promise(() => {}),
  };
}

describe('settling by the deadline whatever is stuck', () => {
  it('snapshotZone: a typed timeout naming what hung', async () => {
    const { value, ms } = await timed(
      snapshotZone({ rndc: source(0), zone: 'dyn.test', zoneFile, timeoutMs: TIMEOUT_MS }),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/within 1000 ms: still asking named for the state of dyn\.test/);
  });

  it('verifyZoneWritten: unknown, cut off, with what was seen so far; the work is stopped', async () => {
    const rndc = source(2);
    const { value, ms } = await timed(
      verifyZoneWritten({
        rndc,
        zone: 'dyn.test',
        zoneFile,
        timeoutMs: TIMEOUT_MS,
        pollMs: 20,
        diagnose: false,
      }),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    const error = value.unwrapErr();
    expect(error.kind).toBe('not-verified');
    const evidence = error.evidence!;
    expect(evidence.verdict).toBe('unknown');
    expect(evidence.summary).toMatch(/cut off while asking named for the state of dyn\.test/);
    expect(evidence).toMatchObject({ servedSerial: 6, fileSerialAfter: 5, fileProblems: [] });
    // The stuck call's signal was aborted: work under it stops at its next check.
    expect(rndc.signals.at(-1)?.aborted).toBe(true);
  });

  it("verifyZoneWritten: the caller's signal ends it at once", async () => {
    const controller = new AbortController();
    const work = verifyZoneWritten({
      rndc: source(1),
      zone: 'dyn.test',
      zoneFile,
      timeoutMs: 60_000,
      diagnose: false,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const { value, ms } = await timed(work);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value.unwrapErr().evidence?.verdict).toBe('unknown');
  });
});

describe('a named that stops answering after the proof (blocked on a FIFO journal)', () => {
  it('the zone file is proven, the FIFO journal still named, the unfinished diagnosis said', async () => {
    // BIND 9.16/9.18 compact the journal after a dump with a blocking open: with a FIFO there,
    // named stops answering `status`, which the storage diagnosis asks. The journal must be read
    // alongside the diagnosis, not after it, or the deadline leaves it unread.
    const sub = mkdtempSync(join(dir, 'fifo-journal-'));
    const file = join(sub, 'dyn.test.db');
    writeFileSync(file, '@ 300 IN SOA ns hostmaster 7 3600 600 86400 300\n');
    execFileSync('mkfifo', [`${file}.jnl`]);
    const rndc: ZoneStatusSource = {
      zonestatus: () =>
        Promise.resolve(Ok({ files: [file], serial: 7, dynamic: true } as ZoneStatus)),
      status: () => new Promise(() => {}), // named blocked: never answers
    };
    const { value, ms } = await timed(
      verifyZoneWritten({ rndc, zone: 'dyn.test', zoneFile: file, timeoutMs: TIMEOUT_MS }),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    const evidence = value.unwrap();
    expect(evidence.verdict).toBe('nothing-pending');
    expect(evidence.fileSerialAfter).toBe(7);
    expect(evidence.fileProblems.join('\n')).toMatch(/dyn\.test\.db\.jnl is a FIFO/);
    expect(evidence.summary).toMatch(/journal check \(storage diagnosis\) did not finish/);
  });
});
