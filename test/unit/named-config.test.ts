// named.conf as the reader of src/dump/named-config.ts sees it: a zone's file, journal and
// masterfile-format with BIND's defaults, views and classes, includes (relative ones follow
// `options { directory }` as named's chdir does), logging file channels and pid-file; and hostile
// input (loops, garbage, huge files, FIFOs) gives a typed error, never a hang.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  namedDirectory,
  namedLogFiles,
  namedPidFile,
  readNamedConfig,
  readZoneConfig,
} from '../../src/dump/named-config.js';
import { timed } from '../helpers/timed.js';

const root = mkdtempSync(join(tmpdir(), 'named-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** Writes `files` (name → text) into a fresh directory; returns its path. */
function tree(files: Record<string, string>): string {
  const dir = join(root, `t${++counter}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('a zone', () => {
  it('custom journal, relative paths against directory', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/var/named"; };
        zone "dyn.example.com" {
          type primary;
          file "dyn/dyn.example.com.zone";
          journal "dyn/dyn.example.com.jnl";   // elsewhere than <file>.jnl
          allow-update { 127.0.0.1; };
        };`,
    });
    const zone = (
      await readZoneConfig({ namedConf: join(dir, 'named.conf'), zone: 'dyn.example.com' })
    ).unwrap();
    expect(zone).toMatchObject({
      zone: 'dyn.example.com',
      class: 'IN',
      view: undefined,
      type: 'primary',
      directory: '/var/named',
      file: '/var/named/dyn/dyn.example.com.zone',
      journal: '/var/named/dyn/dyn.example.com.jnl',
      journalConfigured: true,
      masterfileFormat: 'text',
      inlineSigning: false,
      location: { file: join(dir, 'named.conf'), line: 3 },
    });
  });

  it('defaults: <file>.jnl, text for primaries, raw for secondaries and mirrors; overrides zone > view > options', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/srv/dns"; masterfile-format raw; };
        zone "p.test" { type master; file "/abs/p.db"; masterfile-format text; };
        zone "q.test" { type primary; file "q.db"; };
        zone "s.test" { type slave; file "s.db"; primaries { 192.0.2.1; }; };
        zone "signed.test" { type primary; file "signed.db"; inline-signing yes; };`,
      'plain.conf': `
        options { directory "/srv/dns"; };
        zone "q.test" { type primary; file "q.db"; };
        zone "s.test" { type secondary; file "s.db"; };
        zone "m.test" { type mirror; file "m.db"; };
        zone "old.test" { type primary; file "old.db"; masterfile-format map; };`,
    });
    const config = (await readNamedConfig(join(dir, 'named.conf'))).unwrap();
    expect(config.zone({ zone: 'p.test' }).unwrap()).toMatchObject({
      file: '/abs/p.db',
      journal: '/abs/p.db.jnl',
      journalConfigured: false,
      masterfileFormat: 'text',
    });
    expect(config.zone({ zone: 'q.test' }).unwrap()).toMatchObject({
      file: '/srv/dns/q.db',
      journal: '/srv/dns/q.db.jnl',
      masterfileFormat: 'raw',
    });
    expect(config.zone({ zone: 'signed.test' }).unwrap().inlineSigning).toBe(true);
    const plain = (await readNamedConfig(join(dir, 'plain.conf'))).unwrap();
    expect(plain.zone({ zone: 'q.test' }).unwrap().masterfileFormat).toBe('text');
    expect(plain.zone({ zone: 's.test' }).unwrap().masterfileFormat).toBe('raw');
    expect(plain.zone({ zone: 'm.test' }).unwrap().masterfileFormat).toBe('raw');
    expect(plain.zone({ zone: 'old.test' }).unwrap().masterfileFormat).toBe('map');
  });

  it('names compare without case and final dot; class must match', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/d"; };
        zone "Example.COM." IN { type primary; file "ex.db"; };
        zone "version.bind" chaos { type primary; file "ch.db"; };`,
    });
    const conf = join(dir, 'named.conf');
    expect((await readZoneConfig({ namedConf: conf, zone: 'example.com' })).unwrap().file).toBe(
      '/d/ex.db',
    );
    expect(
      (await readZoneConfig({ namedConf: conf, zone: 'EXAMPLE.com.', class: 'in' })).unwrap().file,
    ).toBe('/d/ex.db');
    expect(
      (await readZoneConfig({ namedConf: conf, zone: 'version.bind', class: 'CH' })).unwrap(),
    ).toMatchObject({ class: 'CH', file: '/d/ch.db' });
    const wrongClass = await readZoneConfig({ namedConf: conf, zone: 'version.bind' });
    expect(wrongClass.unwrapErr().kind).toBe('zone-not-found');
  });

  it('views: the view named, its class, ambiguity said, in-view followed', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/var/cache/bind"; masterfile-format text; };
        view "internal" {
          match-clients { 10.0.0.0/8; };
          masterfile-format raw;
          zone "dyn.test" { type primary; file "/var/lib/bind/internal/dyn.test.db"; };
          zone "only-inside.test" { type primary; file "inside.db"; journal "/j/inside.jnl"; };
        };
        view "external" IN {
          match-clients { any; };
          zone "dyn.test" { type primary; file "/var/lib/bind/external/dyn.test.db"; };
          zone "only-inside.test" { in-view "internal"; };
        };
        view "chaos" CH { zone "bind" { type primary; file "bind.db"; }; };`,
    });
    const conf = join(dir, 'named.conf');
    const ambiguous = (await readZoneConfig({ namedConf: conf, zone: 'dyn.test' })).unwrapErr();
    expect(ambiguous.kind).toBe('zone-ambiguous');
    expect(ambiguous.message).toMatch(/in 2 views \(internal, external\): name the view/);
    const internal = (
      await readZoneConfig({ namedConf: conf, zone: 'dyn.test', view: 'internal' })
    ).unwrap();
    expect(internal).toMatchObject({
      view: 'internal',
      class: 'IN',
      file: '/var/lib/bind/internal/dyn.test.db',
      journal: '/var/lib/bind/internal/dyn.test.db.jnl',
      masterfileFormat: 'raw', // the view's, over the options'
    });
    const external = (
      await readZoneConfig({ namedConf: conf, zone: 'dyn.test', view: 'external' })
    ).unwrap();
    expect(external).toMatchObject({ view: 'external', masterfileFormat: 'text' });
    // One view only: no view needed.
    expect(
      (await readZoneConfig({ namedConf: conf, zone: 'bind', class: 'CH' })).unwrap(),
    ).toMatchObject({ view: 'chaos', class: 'CH', file: '/var/cache/bind/bind.db' });
    const referenced = (
      await readZoneConfig({ namedConf: conf, zone: 'only-inside.test', view: 'external' })
    ).unwrap();
    expect(referenced).toMatchObject({
      view: 'external',
      inView: 'internal',
      file: '/var/cache/bind/inside.db',
      journal: '/j/inside.jnl',
    });
    const noView = await readZoneConfig({ namedConf: conf, zone: 'dyn.test', view: 'dmz' });
    expect(noView.unwrapErr().causes.join('\n')).toMatch(
      /no view "dmz" \(views: internal, external, chaos\)/,
    );
  });

  it('a zone added with rndc addzone is not in named.conf: said so', async () => {
    const dir = tree({ 'named.conf': 'options { directory "/d"; allow-new-zones yes; };' });
    const error = (
      await readZoneConfig({ namedConf: join(dir, 'named.conf'), zone: 'added.test' })
    ).unwrapErr();
    expect(error.kind).toBe('zone-not-found');
    expect(error.causes[0]).toMatch(/rndc addzone/);
  });
});

describe('includes and paths', () => {
  it('relative includes: before directory against named.conf’s directory, after it against directory', async () => {
    const dir = tree({
      'etc/named.conf': `
        include "named.conf.options";   // next to named.conf (named's starting directory unknown)
        include "zones.conf";           // after directory: in the working directory
      `,
      'etc/named.conf.options': 'options { directory "../work"; };',
      'work/zones.conf': `
        zone "a.test" { type primary; file "a.db"; include "a-journal.conf"; };`,
      'work/a-journal.conf': 'journal "jnl/a.jnl";',
      // A decoy where the old rule (against the including file) would look.
      'etc/zones.conf': 'zone "a.test" { type primary; file "WRONG"; };',
    });
    // `directory "../work"` is relative: resolved against named's working directory when given.
    const conf = join(dir, 'etc/named.conf');
    const zone = (
      await readZoneConfig({ namedConf: conf, zone: 'a.test', workingDirectory: join(dir, 'etc') })
    ).unwrap();
    expect(zone).toMatchObject({
      directory: join(dir, 'work'),
      file: join(dir, 'work/a.db'),
      journal: join(dir, 'work/jnl/a.jnl'),
    });
    const config = (await readNamedConfig(conf)).unwrap();
    expect(config.files).toEqual([
      conf,
      join(dir, 'etc/named.conf.options'),
      join(dir, 'work/zones.conf'),
      join(dir, 'work/a-journal.conf'),
    ]);
    // Without the working directory the relative `directory` is unknown: a clear error.
    const unknown = config.zone({ zone: 'a.test' }).unwrapErr();
    expect(unknown.kind).toBe('relative-path');
    expect(unknown.message).toMatch(/file "a\.db" is relative to named's working directory/);
    expect(unknown.message).toMatch(/directory "\.\.\/work" is itself relative/);
  });

  it('no directory: absolute paths work, relative ones need the working directory', async () => {
    const dir = tree({
      'named.conf': `
        zone "abs.test" { type primary; file "/zones/abs.db"; };
        zone "rel.test" { type primary; file "rel.db"; };`,
    });
    const conf = join(dir, 'named.conf');
    expect((await readZoneConfig({ namedConf: conf, zone: 'abs.test' })).unwrap().journal).toBe(
      '/zones/abs.db.jnl',
    );
    expect((await readZoneConfig({ namedConf: conf, zone: 'rel.test' })).unwrapErr().kind).toBe(
      'relative-path',
    );
    expect(
      (
        await readZoneConfig({ namedConf: conf, zone: 'rel.test', workingDirectory: '/run/x' })
      ).unwrap().file,
    ).toBe('/run/x/rel.db');
    expect((await namedDirectory(conf)).unwrapErr()).toMatch(/sets no options \{ directory \}/);
  });

  it('named.conf given relative: refused (relative to what?)', async () => {
    const error = (await readNamedConfig('named.conf')).unwrapErr();
    expect(error.kind).toBe('not-absolute');
  });
});

describe('hostile or broken configuration: a typed error, never a hang or a secret', () => {
  it('include loop', async () => {
    const dir = tree({
      'named.conf': 'include "a.conf";',
      'a.conf': 'include "b.conf";',
      'b.conf': 'include "a.conf";',
    });
    const error = (await readNamedConfig(join(dir, 'named.conf'))).unwrapErr();
    expect(error.kind).toBe('include-loop');
    expect(error.message).toMatch(/a\.conf.*→.*b\.conf.*→.*a\.conf/);
  });

  it('garbage, binary data, unterminated blocks', async () => {
    const dir = tree({
      'garbage.conf': 'zone "x" { file "a.db" };  }}}',
      'open.conf': 'options { directory "/d";',
      'binary.conf': 'options {\u0000\u0001\u0002 };',
    });
    for (const [name, kind] of [
      ['garbage.conf', 'syntax'],
      ['open.conf', 'syntax'],
      ['binary.conf', 'syntax'],
    ] as const) {
      const error = (await readNamedConfig(join(dir, name))).unwrapErr();
      expect(error.kind, name).toBe(kind);
      expect(error.location?.file).toBe(join(dir, name));
    }
  });

  it('a secret near a syntax error is not shown', async () => {
    const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==';
    const dir = tree({
      'named.conf': `key "k" { algorithm hmac-sha256; secret "${secret}" }; };`,
    });
    const error = (await readNamedConfig(join(dir, 'named.conf'))).unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(`${error.message} ${error.causes.join(' ')} ${error.remedy}`).not.toContain(secret);
  });

  it('huge file, missing include, FIFO include: unreadable, at once', async () => {
    const dir = tree({
      'named.conf': 'include "big.conf";',
      'missing.conf': 'include "nowhere.conf";',
      'fifo.conf': 'include "pipe";',
    });
    writeFileSync(join(dir, 'big.conf'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const big = (await readNamedConfig(join(dir, 'named.conf'))).unwrapErr();
    expect(big.kind).toBe('unreadable');
    expect(big.message).toMatch(/larger than 4194304 bytes/);
    const missing = (await readNamedConfig(join(dir, 'missing.conf'))).unwrapErr();
    expect(missing).toMatchObject({ kind: 'unreadable', location: { line: 1 } });
    expect(missing.message).toMatch(/nowhere\.conf.*file not found/);
    const { value, ms } = await timed(readNamedConfig(join(dir, 'fifo.conf')));
    expect(ms).toBeLessThan(2000);
    expect(value.unwrapErr().message).toMatch(/not a regular file/);
  });

  it('many statements: the last zone of 20 000 over two files is found', async () => {
    const zones = (from: number) =>
      Array.from(
        { length: 10_000 },
        (_, i) => `zone "z${from + i}.test" { type primary; file "z${from + i}.db"; };`,
      ).join('\n');
    const dir = tree({
      // Includes before `directory`: against named.conf's own directory.
      'named.conf': 'include "a.conf"; include "b.conf"; options { directory "/d"; };',
      'a.conf': zones(0),
      'b.conf': zones(10_000),
    });
    const zone = await readZoneConfig({
      namedConf: join(dir, 'named.conf'),
      zone: 'z19999.test',
      timeoutMs: 60_000,
    });
    expect(zone.unwrap().file).toBe('/d/z19999.db');
  });

  it("the caller's signal settles it", async () => {
    const dir = tree({ 'named.conf': 'options { directory "/d"; };' });
    const error = (
      await readNamedConfig(join(dir, 'named.conf'), { signal: AbortSignal.abort() })
    ).unwrapErr();
    expect(error.kind).toBe('aborted');
  });
});

describe('logging', () => {
  it('file channels of the categories that carry dump and journal messages', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/var/cache/bind"; };
        logging {
          channel main { file "/var/log/named/named.log" versions 3 size 20m; print-time yes; severity info; };
          channel updates { file "log/updates.log"; severity debug 3; };
          channel quiet { file "/var/log/named/critical.log"; severity critical; };
          channel sys { syslog daemon; };
          category default { main; sys; };
          category update { updates; quiet; };
          category zoneload { null; };
          category lame-servers { null; };
        };`,
    });
    const logging = (await namedLogFiles(join(dir, 'named.conf'))).unwrap();
    expect(logging.files).toEqual([
      expect.objectContaining({
        channel: 'main',
        path: '/var/log/named/named.log',
        severity: 'info',
        carriesErrors: true,
        debugOnly: false,
        categories: ['general'], // general has no statement: it uses default's channels
      }),
      expect.objectContaining({
        channel: 'updates',
        path: '/var/cache/bind/log/updates.log', // relative: against directory
        severity: 'debug 3',
        categories: ['update'],
      }),
      expect.objectContaining({
        channel: 'quiet',
        carriesErrors: false, // critical only: dump errors never reach it
        categories: ['update'],
      }),
    ]);
    expect(logging.dumpLog?.channel).toBe('main');
    expect(logging.notes).toContain('category general also goes to syslog (channel sys)');
  });

  it('no category default: named’s own (syslog, and named.run only at a debug level)', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/var/named"; };
        logging { channel x { file "x.log"; }; category security { x; }; };`,
    });
    const logging = (await namedLogFiles(join(dir, 'named.conf'))).unwrap();
    expect(logging.files).toEqual([
      expect.objectContaining({
        channel: 'default_debug',
        path: '/var/named/named.run',
        debugOnly: true,
        categories: ['general', 'update', 'zoneload'],
      }),
    ]);
    expect(logging.dumpLog).toBeUndefined();
    expect(logging.notes).toContain(
      'category general also goes to syslog (channel default_syslog)',
    );
  });

  it('no logging statement: said so; default_logfile is named -L', async () => {
    const dir = tree({
      'bare.conf': 'options { directory "/var/named"; };',
      'l.conf': 'logging { category general { default_logfile; }; };',
    });
    const bare = (await namedLogFiles(join(dir, 'bare.conf'))).unwrap();
    expect(bare.dumpLog).toBeUndefined();
    expect(bare.notes[0]).toMatch(/has no logging statement: named logs to syslog/);
    const minusL = (await namedLogFiles(join(dir, 'l.conf'))).unwrap();
    expect(minusL.notes.join('\n')).toMatch(
      /category general uses default_logfile: the file given to `named -L`/,
    );
  });
});

describe('pid-file', () => {
  it('configured (relative: against directory), none, default', async () => {
    const dir = tree({
      'a.conf': 'options { directory "/var/named"; pid-file "run/named.pid"; };',
      'b.conf': 'options { pid-file none; };',
      'c.conf': 'options { pid-file "none"; directory "/x"; };',
      'd.conf': 'options { directory "/x"; };',
    });
    expect((await namedPidFile(join(dir, 'a.conf'))).unwrap()).toMatchObject({
      kind: 'configured',
      path: '/var/named/run/named.pid',
    });
    expect((await namedPidFile(join(dir, 'b.conf'))).unwrap().kind).toBe('none');
    // Quoted, "none" is a file name.
    expect((await namedPidFile(join(dir, 'c.conf'))).unwrap()).toMatchObject({ path: '/x/none' });
    expect((await namedPidFile(join(dir, 'd.conf'))).unwrap()).toEqual({ kind: 'default' });
  });
});

describe('every zone at once (zoneConfigs) and the views that allow rndc addzone', () => {
  it('zoneConfigs answers as zone() does for each zone zones() lists; in-view references left out', async () => {
    const dir = tree({
      'named.conf': `
        options { directory "/var/named"; masterfile-format raw; allow-new-zones no; };
        view "inside" {
          allow-new-zones yes;
          new-zones-directory "nz";
          zone "a.example" { type primary; file "a.db"; journal "j/a.jnl"; };
          zone "version.bind" chaos { type primary; file "v.db"; };
          zone "fwd.example" { type forward; forwarders { 192.0.2.1; }; };
        };
        view "outside" {
          zone "a.example" { in-view "inside"; };
          zone "b.example" { type secondary; primaries { 192.0.2.2; }; masterfile-format text; };
          zone "rel.example" { type primary; file "/abs/rel.db"; };
        };`,
    });
    const config = (await readNamedConfig(join(dir, 'named.conf'))).unwrap();
    const all = config.zoneConfigs();
    expect(all.map((entry) => entry.lookup)).toEqual(config.zones());
    for (const { lookup, config: found } of all) {
      expect(found, lookup.zone).toEqual(config.zone(lookup));
    }
    expect(all.map(({ config: found }) => found.unwrap().masterfileFormat)).toEqual([
      'raw',
      'raw',
      'raw',
      'text',
      'raw',
    ]);
    expect(config.zoneConfigs(2)).toHaveLength(2);
    expect(config.addedZoneStores()).toEqual([
      { view: 'inside', files: ['/var/named/nz/inside.nzd', '/var/named/nz/inside.nzf'] },
    ]);
  });

  it('without views the store is _default; none when allow-new-zones is off', async () => {
    const on = tree({ 'named.conf': 'options { directory "/srv/dns"; allow-new-zones yes; };' });
    expect((await readNamedConfig(join(on, 'named.conf'))).unwrap().addedZoneStores()).toEqual([
      { view: '_default', files: ['/srv/dns/_default.nzd', '/srv/dns/_default.nzf'] },
    ]);
    const off = tree({ 'named.conf': 'options { directory "/srv/dns"; };' });
    expect((await readNamedConfig(join(off, 'named.conf'))).unwrap().addedZoneStores()).toEqual([]);
  });
});
