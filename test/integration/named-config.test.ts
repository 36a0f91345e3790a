// named.conf read for named's files, against a real named (9.16, 9.18, 9.20): a zone whose
// `journal` is elsewhere shows that journal (size, serials) in the verified evidence, library and
// CLI; a zone inside a view; the CLI picks named's log from the logging statement when
// --named-log is not given and shows the dump error it holds; and our reading of each
// configuration agrees with BIND's own `named-checkconf -p`.
import { chmod, chown, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { readJournalInfo } from '../../src/dump/journal.js';
import {
  namedLogFiles,
  readNamedConfig,
  readZoneConfig,
  type ZoneConfig,
} from '../../src/dump/named-config.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import {
  type BinaryResult,
  type NamedInstance,
  runBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { addRecord } from '../helpers/add-record.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { JOURNAL_ELSEWHERE, NOBODY, readOnlyZonesDir } from '../helpers/layouts.js';

const ROOT = resolve('.');
const instances: NamedInstance[] = [];

afterAll(async () => {
  for (const named of instances) await named.stop();
});

async function start(options: StartNamedOptions): Promise<NamedInstance> {
  const named = await startNamed(options);
  instances.push(named);
  return named;
}

/** A writable `jnl/` for JOURNAL_ELSEWHERE (owned by nobody when named runs as nobody). */
async function journalDir(dir: string, owner?: number): Promise<void> {
  await mkdir(join(dir, 'jnl'));
  if (owner !== undefined) await chown(join(dir, 'jnl'), owner, owner);
}

/** Puts every zone statement of the generated named.conf inside `view "NAME" IN { … }`. */
async function zonesInView(configFile: string, view: string): Promise<void> {
  const text = await readFile(configFile, 'utf8');
  const at = text.search(/^zone "/m);
  if (at === -1) throw new Error(`no zone statement in ${configFile}`);
  await writeFile(
    configFile,
    `${text.slice(0, at)}view "${view}" IN {\n\tmatch-clients { any; };\n${text.slice(at)}};\n`,
  );
}

/** `rndc-js ARGS…` as a process, from source. */
function cli(args: readonly string[]): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
    cwd: ROOT,
    timeoutMs: 60_000,
  });
}

describe('a custom journal path (`journal "jnl/dyn.test.db.jnl";`)', () => {
  it('the library: readZoneConfig names it; the verified sync shows it with its size and serials', async () => {
    const named = await start({
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: ({ dir }) => journalDir(dir),
    });
    const journal = join(named.dir, 'jnl/dyn.test.db.jnl');
    const zone = (await readZoneConfig({ namedConf: named.configFile, zone: 'dyn.test' })).unwrap();
    expect(zone).toMatchObject({
      directory: named.dir,
      file: named.zones[0]?.path,
      journal,
      journalConfigured: true,
      masterfileFormat: 'text',
    });
    await addRecord(named, 'c');
    const before = (await readJournalInfo(journal)).unwrap();
    expect(before.size).toBeGreaterThan(0);

    const rndc = RndcClient.connect({
      port: named.controlPort,
      key: named.keys['hmac-sha256'],
      named: { log: named.logFile },
    });
    try {
      // No journalFile, no namedConf: found through the named.conf `rndc status` names.
      const synced = (await rndc.sync('dyn.test', { verify: {} })).unwrap();
      const evidence = synced.dump!;
      expect(evidence.verdict).toBe('written');
      expect(evidence.journalFile).toBe(journal);
      expect(evidence.journalBefore).toMatchObject({
        path: journal,
        size: before.size,
        endSerial: evidence.servedSerial,
      });
      expect(evidence.journalAfter?.endSerial).toBe(evidence.servedSerial);

      // verifyZoneWritten with namedConf given (the file is current: nothing pending), and an
      // explicit journalFile wins over it.
      const direct = (
        await verifyZoneWritten({
          rndc,
          zone: 'dyn.test',
          namedConf: named.configFile,
          directory: named.dir,
          diagnose: false,
          timeoutMs: 20_000,
        })
      ).unwrap();
      expect(direct.journalFile).toBe(journal);
      expect(direct.journalBefore?.endSerial).toBe(direct.servedSerial);
      const explicit = (
        await verifyZoneWritten({
          rndc,
          zone: 'dyn.test',
          directory: named.dir,
          journalFile: 'elsewhere.jnl',
          diagnose: false,
          timeoutMs: 20_000,
        })
      ).unwrap();
      expect(explicit.journalFile).toBe(join(named.dir, 'elsewhere.jnl'));
      expect(explicit.journalBefore).toBeUndefined();
    } finally {
      await rndc.close();
    }
  });

  it('the CLI: `rndc-js sync dyn.test --verify` prints the journal and reads the log named.conf names', async () => {
    const named = await start({
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: ({ dir }) => journalDir(dir),
    });
    await addRecord(named, 'c');
    const journal = join(named.dir, 'jnl/dyn.test.db.jnl');
    const size = (await readJournalInfo(journal)).unwrap().size;
    const result = await cli(['-c', named.rndcConfFile(), 'sync', 'dyn.test', '--verify']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^dyn\.test: WRITTEN \(proven\)$/m);
    const served = /served (\d+), file/.exec(result.stdout)?.[1];
    expect(result.stdout).toMatch(
      new RegExp(`^ {2}journal: +serials \\d+ → ${served} \\(${size} bytes\\) before → `, 'm'),
    );
    expect(result.stdout).toContain(`  journal file:   ${journal}\n`);
    expect(result.stdout).toContain(
      `  log file:       ${named.logFile} (from ${named.configFile} (logging channel default_log))\n`,
    );
    expect(result.stdout).toMatch(/^ {2}named log: +no dump or journal errors logged$/m);

    // --json carries the same.
    await addRecord(named, 'c');
    const json = await cli(['-c', named.rndcConfFile(), 'sync', 'dyn.test', '--verify', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.evidence.journalFile).toBe(journal);
    expect(document.evidence.journalBefore.path).toBe(journal);
    expect(document.namedLog).toMatchObject({ path: named.logFile, source: 'named.conf' });
  });
});

describe('named.conf names the log: the CLI reads it without --named-log', () => {
  it('a dump that fails at open: the error line from that log is shown, exit 1', async () => {
    const named = await start(readOnlyZonesDir());
    await addRecord(named, 'c');
    const result = await cli(['-c', named.rndcConfFile(), 'sync', 'dyn.test', '--verify']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^dyn\.test: FAILED$/m);
    expect(result.stdout).toMatch(/^ {2}failed step: +open$/m);
    expect(result.stdout).toMatch(/^ {2}named log: +\d+ matching line\(s\):$/m);
    // named's own line, read from the file named.conf's logging channel writes.
    expect(result.stdout).toMatch(/dumping master file: .*tmp-\w+: open: permission denied/);
    expect(result.stdout).toContain(
      `  log file:       ${named.logFile} (from ${named.configFile} (logging channel default_log))\n`,
    );
    // The journal elsewhere (jnl/, writable) still holds the update.
    expect(result.stdout).toContain(
      `  journal file:   ${join(named.dir, 'jnl/dyn.test.db.jnl')}\n`,
    );
    expect(result.stdout).not.toMatch(/^ {2}journal: +none before/m);

    // The doctor names the same log and checks the configured journal.
    const doctor = await cli([
      '-c',
      named.rndcConfFile(),
      'doctor',
      'dyn.test',
      '--named-binary',
      named.namedBinary,
    ]);
    expect(doctor.stdout).toMatch(
      new RegExp(`^ {2}journal: +${escapeRegExp(join(named.dir, 'jnl/dyn.test.db.jnl'))}$`, 'm'),
    );
    expect(doctor.stdout).toContain(
      `  named log:     ${named.logFile} (from ${named.configFile} (logging channel default_log))\n`,
    );
  });

  it('a relative channel file is named’s directory’s', async () => {
    const named = await start({
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ configFile, dir }) => {
        // `file "named.log";`: named opens it in its working directory, its `directory`.
        const text = await readFile(configFile, 'utf8');
        await writeFile(configFile, text.replace(`file "${dir}/named.log";`, 'file "named.log";'));
      },
    });
    const logging = (await namedLogFiles(named.configFile)).unwrap();
    expect(logging.dumpLog).toMatchObject({ channel: 'default_log', path: named.logFile });
    await addRecord(named, 'c');
    const result = await cli(['-c', named.rndcConfFile(), 'sync', 'dyn.test', '--verify']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `  log file:       ${named.logFile} (from ${named.configFile} (logging channel default_log))\n`,
    );
    // named really writes there: the sync it just answered is in that file.
    expect(await readFile(named.logFile, 'utf8')).toMatch(
      /received control channel command 'sync dyn\.test'/,
    );
  });
});

describe('zones in a view', () => {
  it('readZoneConfig, sync --verify and the doctor with ZONE CLASS VIEW use the view’s zone statement', async () => {
    const named = await start({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: async ({ dir, configFile }) => {
        await journalDir(dir, NOBODY);
        await zonesInView(configFile, 'internal');
      },
    });
    const journal = join(named.dir, 'jnl/dyn.test.db.jnl');
    expect(
      (await readZoneConfig({ namedConf: named.configFile, zone: 'dyn.test' })).unwrap(),
    ).toMatchObject({ view: 'internal', class: 'IN', journal });
    expect(
      (
        await readZoneConfig({ namedConf: named.configFile, zone: 'dyn.test', view: 'external' })
      ).unwrapErr().kind,
    ).toBe('zone-not-found');
    await addRecord(named, 'c');
    const result = await cli([
      '-c',
      named.rndcConfFile(),
      'sync',
      'dyn.test',
      'IN',
      'internal',
      '--verify',
    ]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^dyn\.test: WRITTEN \(proven\)$/m);
    expect(result.stdout).toContain(`  journal file:   ${journal}\n`);
    expect(result.stdout).toMatch(/^ {2}journal: +serials \d+ → \d+ \(\d+ bytes\) before/m);
    const doctor = await cli([
      '-c',
      named.rndcConfFile(),
      'doctor',
      'dyn.test',
      'IN',
      'internal',
      '--named-binary',
      named.namedBinary,
    ]);
    expect(doctor.stdout).toMatch(new RegExp(`^ {2}journal: +${escapeRegExp(journal)}$`, 'm'));
  });
});

describe('differential: our reading of named.conf equals that of `named-checkconf -p`', () => {
  it('the test layouts (includes, views, custom journals, raw format, logging)', async () => {
    const named = await start({
      zones: [
        { name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE },
        { name: 'raw.test', kind: 'dynamic', options: 'masterfile-format raw;' },
      ],
      beforeStart: async ({ dir, configFile, zones }) => {
        await journalDir(dir);
        await zonesInView(configFile, 'internal');
        // raw.test is written by named in raw format: give it a raw file to load.
        const raw = zones.find((zone) => zone.name === 'raw.test')!.path;
        const compiled = await runBinary(
          'named-compilezone',
          ['-q', '-F', 'raw', '-o', `${raw}.raw`, 'raw.test', raw],
          { timeoutMs: 30_000 },
        );
        expect(compiled.exitCode, compiled.stderr).toBe(0);
        await rename(`${raw}.raw`, raw);
      },
    });
    // BIND's canonical form: includes expanded (the keys file), comments gone.
    const printed = await runBinary('named-checkconf', ['-p', named.configFile], {
      timeoutMs: 30_000,
    });
    expect(printed.exitCode, printed.stderr).toBe(0);
    const canonical = join(named.dir, 'canonical.conf');
    await writeFile(canonical, printed.stdout);
    await chmod(canonical, 0o600);
    const ours = (await readNamedConfig(named.configFile)).unwrap();
    const theirs = (await readNamedConfig(canonical)).unwrap();
    expect(ours.files.length).toBeGreaterThan(1); // named.conf and the included keys file
    expect(theirs.files).toEqual([canonical]);
    expect(theirs.directory).toBe(ours.directory);
    for (const zone of ['dyn.test', 'raw.test', 'static.test']) {
      const a = ours.zone({ zone });
      const b = theirs.zone({ zone });
      if (zone === 'static.test') {
        expect(a.isErr() && b.isErr()).toBe(true); // not configured here: both say so
        continue;
      }
      const strip = (config: ZoneConfig) => ({ ...config, location: undefined });
      expect(strip(a.unwrap())).toEqual(strip(b.unwrap()));
    }
    expect(ours.zone({ zone: 'raw.test' }).unwrap().masterfileFormat).toBe('raw');
    // And the raw file named writes is what verification reads: its serial is the served one.
    const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
    try {
      const synced = (
        await rndc.sync('raw.test', { view: 'internal', verify: { timeoutMs: 20_000 } })
      ).unwrap();
      expect(['written', 'nothing-pending']).toContain(synced.dump?.verdict);
      expect(synced.dump?.fileSerialAfter).toBe(synced.dump?.servedSerial);
      expect(synced.dump?.journalFile).toBe(`${named.zones[1]?.path}.jnl`);
    } finally {
      await rndc.close();
    }
    expect(ours.zone({ zone: 'dyn.test' }).unwrap().journal).toBe(
      join(named.dir, 'jnl/dyn.test.db.jnl'),
    );
    const logging = (l: typeof ours) => {
      const value = l.logging().unwrap();
      return value.files.map(({ location: _location, ...rest }) => rest);
    };
    expect(logging(ours)).toEqual(logging(theirs));
    expect(ours.pidFile().unwrap()).toMatchObject({
      kind: 'configured',
      path: join(named.dir, 'named.pid'),
    });
    expect(theirs.pidFile().unwrap()).toMatchObject({ path: join(named.dir, 'named.pid') });
    // The dump log BIND's reading gives is the file named writes (and it holds named's lines).
    const log = logging(theirs).find((file) => file.channel === 'default_log');
    expect(log?.path).toBe(named.logFile);
    expect(await readFile(named.logFile, 'utf8')).toMatch(/running$/m);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
