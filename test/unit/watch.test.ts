// The watcher's pure and file-level parts: the statistics channel's JSON (a network peer's bytes),
// the log follower's rotation/truncation and bounds, the tmp-file zone peek.
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { readNamedConfig } from '../../src/dump/named-config.js';
import { tmpFileZone } from '../../src/watch/disk.js';
import { LogFollower } from '../../src/watch/log-follower.js';
import { parseStatsZones } from '../../src/watch/stats-channel.js';
import { fakeIo } from '../helpers/cli-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rndc-watch-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FAIL =
  '03-Dec-2026 01:06:08.443 general: error: dumping master file: rename: zones/dyn.test.db: permission denied\n';

describe('parseStatsZones', () => {
  it('reads every view’s zones and serials', () => {
    const parsed = parseStatsZones(
      JSON.stringify({
        views: {
          _default: { zones: [{ name: 'a.test', class: 'IN', serial: 7, type: 'primary' }] },
          internal: { zones: [{ name: 'b.test', class: 'in', serial: -1 }] },
        },
      }),
    );
    expect(parsed).toEqual({
      zones: [
        { zone: 'a.test', class: 'IN', view: '_default', serial: 7, type: 'primary' },
        { zone: 'b.test', class: 'IN', view: 'internal', serial: undefined, type: undefined },
      ],
    });
  });

  it('hostile bodies are problems or skipped entries, never throws', () => {
    expect(parseStatsZones('{')).toEqual({ problem: expect.stringMatching(/not JSON/) });
    expect(parseStatsZones('null')).toEqual({ problem: expect.stringMatching(/views/) });
    expect(parseStatsZones('{"views":[1,2]}')).toEqual({ zones: [] });
    const odd = parseStatsZones(
      JSON.stringify({
        views: {
          v: {
            zones: [
              null,
              7,
              { name: 5 },
              { name: 'x'.repeat(5000), serial: 1 },
              { name: 'ok.test', serial: 2 ** 40 },
              { name: 'frac.test', serial: 1.5 },
            ],
          },
          w: { zones: 'no' },
        },
      }),
    );
    expect(odd).toEqual({
      zones: [
        { zone: 'ok.test', class: 'IN', view: 'v', serial: undefined, type: undefined },
        { zone: 'frac.test', class: 'IN', view: 'v', serial: undefined, type: undefined },
      ],
    });
  });
});

describe('LogFollower', () => {
  it('reads appended lines once; starts over after truncation and after rotation', async () => {
    const log = join(dir, 'named.log');
    await writeFile(log, FAIL);
    const follower = new LogFollower(log);
    const first = await follower.poll();
    expect(first.events.map((e) => e.kind)).toEqual(['dump-failed']);
    expect((await follower.poll()).events).toEqual([]);
    await appendFile(log, FAIL);
    expect((await follower.poll()).events).toHaveLength(1);
    // copytruncate: the file shrinks, then grows again.
    await truncate(log, 0);
    await appendFile(log, FAIL);
    const afterTruncate = await follower.poll();
    expect(afterTruncate.restarted).toBe(true);
    expect(afterTruncate.events).toHaveLength(1);
    // rotation: a new file (another inode) at the path.
    await rename(log, `${log}.1`);
    await writeFile(log, FAIL + FAIL);
    const afterRotate = await follower.poll();
    expect(afterRotate.restarted).toBe(true);
    expect(afterRotate.events).toHaveLength(2);
  });

  it('a backlog larger than maxReadBytes is skipped but for its end; a line cut in two is not misread', async () => {
    const log = join(dir, 'big.log');
    await writeFile(log, '');
    const follower = new LogFollower(log, { maxReadBytes: 4096 });
    await follower.poll();
    await appendFile(log, `${'x'.repeat(100_000)}\n${FAIL}`);
    const poll = await follower.poll();
    expect(poll.skippedBytes).toBeGreaterThan(90_000);
    expect(poll.bytes).toBeLessThanOrEqual(4096);
    expect(poll.events.map((e) => e.kind)).toEqual(['dump-failed']);
  });

  it('history: the first poll reads only the last historyBytes', async () => {
    const log = join(dir, 'history.log');
    await writeFile(log, FAIL.repeat(100));
    const follower = new LogFollower(log, { historyBytes: FAIL.length * 3 });
    const poll = await follower.poll();
    // The first line of the window may be cut: 2 or 3 whole lines.
    expect(poll.events.length).toBeGreaterThanOrEqual(2);
    expect(poll.events.length).toBeLessThanOrEqual(3);
  });

  it('a missing log is a problem, not an error', async () => {
    const poll = await new LogFollower(join(dir, 'none.log')).poll();
    expect(poll.problem).toMatch(/does not exist/);
  });
});

describe('tmpFileZone', () => {
  it('names the zone of a text dump; raw or odd files are unknown', async () => {
    const dump = join(dir, 'tmp-AbCdEfGhIj');
    await writeFile(
      dump,
      '$ORIGIN .\n$TTL 300\t; 5 minutes\ndyn.test\t\tIN SOA\tns.dyn.test. h.dyn.test. (\n 1 3600 600 86400 300 )\n',
    );
    expect(await tmpFileZone(dump)).toBe('dyn.test');
    await writeFile(dump, '$ORIGIN example.\nsub IN SOA a. b. 1 2 3 4 5\n');
    expect(await tmpFileZone(dump)).toBe('sub.example');
    await writeFile(dump, Buffer.from([0, 0, 0, 2, 1, 2, 3]));
    expect(await tmpFileZone(dump)).toBeUndefined();
    await writeFile(dump, '');
    expect(await tmpFileZone(dump)).toBeUndefined();
  });
});

describe('NamedConfig.zones', () => {
  it('lists each view’s zones with class and view; in-view references are the other view’s', async () => {
    const conf = join(dir, 'named.conf');
    await writeFile(
      conf,
      [
        'options { directory "/var/cache/bind"; };',
        'view "inside" { zone "a.test" { type primary; file "a.db"; }; zone "b.test" CH { type primary; file "b.db"; }; };',
        'view "outside" { zone "a.test" { in-view "inside"; }; zone "c.test" { type primary; file "c.db"; }; };',
        '',
      ].join('\n'),
    );
    const config = (await readNamedConfig(conf)).unwrap();
    expect(config.zones()).toEqual([
      { zone: 'a.test', class: 'IN', view: 'inside' },
      { zone: 'b.test', class: 'CH', view: 'inside' },
      { zone: 'c.test', class: 'IN', view: 'outside' },
    ]);
    expect(config.zones(1)).toHaveLength(1);
  });
});

describe('rndc-js watch: usage errors', () => {
  it('a bad --listen or --max-lag is a usage error naming the option, nothing started', async () => {
    for (const [args, message] of [
      [['watch', '--listen', 'nowhere'], /--listen 'nowhere' is not HOST:PORT/],
      [['watch', '--listen', '127.0.0.1:70000'], /is not HOST:PORT/],
      [['watch', '--max-lag', 'soon'], /--max-lag 'soon' is not a number of seconds/],
      [['watch', '--bogus'], /unknown option/],
    ] as const) {
      const io = fakeIo();
      expect(await runCli(args, io)).toBe(1);
      expect(io.err()).toMatch(message);
      expect(io.err()).toMatch(/Try 'rndc-js --help' for usage\./);
    }
  });
});
