// Load against one real named (9.16, 9.18 or 9.20), with zero loss: 10,000 control commands through the default
// pool (all issued at once), a mixed 10,000 with commands that act on zones, and 10,000 signed
// updates at 64 in flight, every record then checked by AXFR and, after a verified sync, in the
// zone file on disk. Figures are printed for the record; no speed is asserted.
//
// named's zones live on tmpfs (/dev/shm) when it exists, so the journal's fsync per update does
// not dominate the update figures (the speed of the disk is not what this test is about).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { findBinary, type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { axfr } from '../helpers/dns.js';

const TOTAL = 10_000;
const IN_FLIGHT = 64;
/** Static zones whose zonestatus replies must come back to the command that asked. */
const STATIC_ZONES = Array.from({ length: 8 }, (_, k) => ({
  name: `zone${k}.load.test`,
  serial: 1000 + k,
  records: Array.from({ length: k + 1 }, (_, j) => `h${j} 300 A 192.0.2.${j + 1}`),
}));
const LOAD_ZONE = 'load.test';
// RNDC_LOAD_BASE_DIR overrides it (e.g. /tmp, to see what a real disk's fsync costs).
const baseDir = process.env.RNDC_LOAD_BASE_DIR || (existsSync('/dev/shm') ? '/dev/shm' : undefined);

let named: NamedInstance;
let rndc: RndcClient;

beforeAll(async () => {
  named = await startNamed({
    ...(baseDir ? { baseDir } : {}),
    zones: [
      { name: LOAD_ZONE, kind: 'dynamic' },
      ...STATIC_ZONES.map((z) => ({
        name: z.name,
        kind: 'static' as const,
        serial: z.serial,
        records: z.records,
      })),
    ],
  });
  // The default pool (4 connections). The deadline covers the wait in the pool's queue, so with
  // 10,000 commands issued at once it is raised: a busy 2-core machine must not turn into a loss.
  rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    timeoutMs: 600_000,
    named: { log: named.logFile, pid: named.pid },
  });
});

afterAll(async () => {
  await rndc?.close();
  await named?.stop();
});

type Check = () => Promise<string | undefined>;

/** One command of the read-only mix; resolves to a failure description, or undefined. */
function readOnlyCommand(i: number): Check {
  const zone = STATIC_ZONES[i % STATIC_ZONES.length]!;
  switch (i % 6) {
    case 0:
      return async () => {
        const r = await rndc.status();
        if (r.isErr()) return `#${i} status: ${r.error.message}`;
        if (!r.value.running || r.value.configurationFile !== named.configFile) {
          return `#${i} status: wrong reply ${JSON.stringify(r.value.raw)}`;
        }
        return undefined;
      };
    case 1:
    case 2:
      return async () => {
        const r = await rndc.zonestatus(zone.name);
        if (r.isErr()) return `#${i} zonestatus ${zone.name}: ${r.error.message}`;
        if (r.value.name !== zone.name || r.value.serial !== zone.serial) {
          return `#${i} zonestatus ${zone.name}: got ${r.value.name} serial ${r.value.serial}`;
        }
        return undefined;
      };
    case 3:
      return expectText(i, 'null', /^$/);
    case 4:
      return expectText(i, 'serve-stale status', serveStaleText());
    default:
      // A command only some versions have: the client learns the version (one status per
      // connection) before sending it.
      return named.bindVersion === '9.20'
        ? expectText(i, 'fetchlimit', /^Rate limited servers, view _default/)
        : expectText(i, 'tsig-list', /key "rndc-sha256";/);
  }
}

/** `serve-stale status` per version: 9.16 prints `_default: off (stale-answer-ttl=…)`. */
function serveStaleText(): RegExp {
  return named.bindVersion === '9.16'
    ? /^_default: (?:on|off) \(stale-answer-ttl=/
    : /^_default: stale cache/;
}

/** The mixed run: the read-only mix with notify and reload of the static zones in between. */
function mixedCommand(i: number): Check {
  const zone = STATIC_ZONES[(i >> 2) % STATIC_ZONES.length]!;
  switch (i % 4) {
    case 0:
      return expectText(i, `notify ${zone.name}`, /^zone notify queued$/);
    case 1:
      return expectText(i, `reload ${zone.name}`, /^zone reload up-to-date$/);
    default:
      return readOnlyCommand(i >> 1);
  }
}

function expectText(i: number, command: string, text: RegExp): Check {
  return async () => {
    const r = await rndc.run(command);
    if (r.isErr()) return `#${i} ${command}: ${r.error.message}`;
    if (r.value.command !== command || !text.test(r.value.text.trim())) {
      return `#${i} ${command}: reply to ${r.value.command}: ${JSON.stringify(r.value.text)}`;
    }
    return undefined;
  };
}

/** Runs every check at once (the pool queues them); returns failures and commands per second. */
async function runAll(
  checks: readonly Check[],
): Promise<{ failures: string[]; perSecond: number }> {
  const started = performance.now();
  const outcomes = await Promise.all(checks.map((check) => check()));
  const seconds = (performance.now() - started) / 1000;
  return {
    failures: outcomes.filter((o): o is string => o !== undefined),
    perSecond: checks.length / seconds,
  };
}

function debugLinesScanned(): number | undefined {
  return (globalThis as { [k: symbol]: { lines?: number } | undefined })[
    Symbol.for('rndc.test.canary')
  ]?.lines;
}

describe('control channel load', () => {
  it('10,000 read-only commands issued at once: zero failures, every reply to its own command', {
    timeout: 600_000,
  }, async () => {
    const { failures, perSecond } = await runAll(
      Array.from({ length: TOTAL }, (_, i) => readOnlyCommand(i)),
    );
    console.log(
      `load: ${TOTAL} read-only rndc commands (status, zonestatus ×8 zones, null, serve-stale status, ${named.bindVersion === '9.20' ? 'fetchlimit' : 'tsig-list'}) against BIND ${named.bindVersion ?? '9.18'} through the default pool: ${failures.length} failures, ${perSecond.toFixed(0)} commands/s`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);
  });

  it('10,000 mixed commands (notify and reload among them) issued at once: zero failures', {
    timeout: 600_000,
  }, async () => {
    const { failures, perSecond } = await runAll(
      Array.from({ length: TOTAL }, (_, i) => mixedCommand(i)),
    );
    console.log(
      `load: ${TOTAL} mixed rndc commands (¼ notify, ¼ reload, ½ read-only mix): ${failures.length} failures, ${perSecond.toFixed(0)} commands/s`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);
  });
});

describe('a command this version lacks, under load', () => {
  it('10,000 at once: every one refused with not-in-this-version, none sent to named', {
    timeout: 600_000,
  }, async () => {
    const lacking = named.bindVersion === '9.20' ? 'tsig-list' : 'fetchlimit';
    const since = named.logOffset();
    const outcomes = await Promise.all(Array.from({ length: TOTAL }, () => rndc.run(lacking)));
    const refused = outcomes.filter((r) => r.isErr() && r.error.kind === 'not-in-this-version');
    console.log(
      `load: ${TOTAL} × '${lacking}' against BIND ${named.bindVersion ?? '9.18'}: ${refused.length} refused before sending`,
    );
    expect(refused).toHaveLength(TOTAL);
    // A logged command after them proves named has read everything sent before it.
    expect((await rndc.run('notrace')).isOk()).toBe(true);
    await named.waitForLog(/received control channel command 'notrace'/, { since });
    expect(named.readLog().slice(since)).not.toContain(`command '${lacking}'`);
  });
});

describe('update load', () => {
  it('10,000 signed updates at 64 in flight: zero failures, all in AXFR, all on disk after a verified sync', {
    timeout: 600_000,
  }, async () => {
    const sender = new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
    });
    const failures: string[] = [];
    const started = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        const result = await sender.send(new Update(LOAD_ZONE).add(`load-${i} 300 TXT "${i}"`));
        if (result.isErr()) failures.push(`load-${i}: ${result.error.message}`);
        else if (!result.value.signed) failures.push(`load-${i}: reply not signed`);
      }
    };
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      sender.close();
    }
    const updateSeconds = (performance.now() - started) / 1000;
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);

    // Served: every record by AXFR, with its own data.
    const served = (await rndc.zonestatus(LOAD_ZONE)).unwrap().serial!;
    const zone = await axfr(named.dnsPort, LOAD_ZONE);
    const inAxfr = loadRecords(zone, /^load-(\d+)\.load\.test\. 300 TXT "(\d+)"$/);
    const soa = zone.find((line) => /^load\.test\. \d+ SOA /.test(line));
    const axfrSerial = Number(soa?.split(' ')[5]); // name ttl SOA mname rname serial
    expect(axfrSerial).toBe(served);

    // On disk: sync, proven written, then the file itself read back by BIND's own parser.
    const synced = (await rndc.sync(LOAD_ZONE, { verify: { timeoutMs: 120_000 } })).unwrap();
    expect(synced.dump?.verdict).toBe('written');
    expect(synced.dump?.fileSerialAfter).toBe(served);
    const file = named.zones.find((z) => z.name === LOAD_ZONE)!.path;
    const compilezone = findBinary('named-compilezone');
    expect(compilezone).toBeDefined();
    const compiled = await runBinary(
      compilezone!,
      ['-q', '-f', 'text', '-F', 'text', '-o', '-', LOAD_ZONE, file],
      { timeoutMs: 120_000 },
    );
    expect(compiled.stderr).toBe('');
    expect(compiled.exitCode).toBe(0);
    const onDiskLines = compiled.stdout.split('\n').map((line) => line.split(/\s+/).join(' '));
    const onDisk = loadRecords(onDiskLines, /^load-(\d+)\.load\.test\. 300 IN TXT "(\d+)"$/);
    const diskSoa = onDiskLines.find((line) => /^load\.test\. \d+ IN SOA /.test(line));
    const diskSerial = Number(diskSoa?.split(' ')[6]);

    console.log(
      `load: ${TOTAL} signed updates (hmac-sha256, UDP) at ${IN_FLIGHT} in flight: ${failures.length} failures, ${(TOTAL / updateSeconds).toFixed(0)} updates/s; ` +
        `AXFR has ${inAxfr.count}/${TOTAL} records (${inAxfr.wrong} with wrong data), serial ${axfrSerial}; ` +
        `sync verdict ${synced.dump?.verdict} in ${synced.dump?.elapsedMs} ms; zone file on disk (named-compilezone) has ${onDisk.count}/${TOTAL} records (${onDisk.wrong} wrong), serial ${diskSerial} (served ${served}); ` +
        `zones on ${baseDir ?? 'the default tmpdir'}; debug lines scanned in this worker so far: ${debugLinesScanned() ?? 'n/a'}`,
    );
    expect(inAxfr).toEqual({ count: TOTAL, wrong: 0, missing: [] });
    expect(onDisk).toEqual({ count: TOTAL, wrong: 0, missing: [] });
    expect(diskSerial).toBe(served);
  });
});

/** Counts `load-<i>` records whose data is `"<i>"`, and lists missing indexes (first 20). */
function loadRecords(
  lines: readonly string[],
  pattern: RegExp,
): { count: number; wrong: number; missing: number[] } {
  const seen = new Set<number>();
  let wrong = 0;
  for (const line of lines) {
    const match = pattern.exec(line);
    if (!match) continue;
    if (match[1] !== match[2]) wrong++;
    else seen.add(Number(match[1]));
  }
  const missing: number[] = [];
  for (let i = 0; i < TOTAL && missing.length < 20; i++) if (!seen.has(i)) missing.push(i);
  return { count: seen.size, wrong, missing };
}
