// rndc-js as shell scripts use it: batch mode (many commands, one process, one connection),
// --json that always prints one document, and the global options rndc has (-4/-6, -h, no command,
// a server name that does not resolve), compared with BIND's rndc where it does the same.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import {
  type BinaryResult,
  type NamedInstance,
  runBinary,
  runRndcBinary,
  startNamed,
} from '../../src/testing/index.js';
import { CLI_FROM_SOURCE, fakeIo } from '../helpers/cli-io.js';

const ROOT = resolve('.');

let named: NamedInstance;
let conf: string;
let scratch: string;

beforeAll(async () => {
  named = await startNamed();
  conf = named.rndcConfFile();
  scratch = await mkdtemp(join(tmpdir(), 'rndc-cli-batch-'));
});

afterAll(async () => {
  await named?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs `rndc-js ARGS…` as a process, `input` on its stdin. */
function cli(args: readonly string[], input?: string): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
    cwd: ROOT,
    timeoutMs: 60_000,
    ...(input === undefined ? {} : { input }),
  });
}

const rndcName = (text: string) => text.replaceAll(/^rndc:/gm, 'rndc-js:');

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON documents, checked field by field
type Json = Record<string, any>;

/** A TCP relay to named's control port that counts the connections made through it. */
async function countingRelay(): Promise<{
  port: number;
  connections(): number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections++;
    const upstream = tcpConnect(named.controlPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

describe('batch mode', () => {
  it('stdin: each reply as rndc prints it, over one connection; a failed line does not stop the rest; exit 1', async () => {
    const relay = await countingRelay();
    try {
      const input = [
        '# comments and blank lines are skipped',
        '',
        'zonestatus dyn.test',
        '   ',
        'zonestatus nope.test',
        'status',
        'zonestatus "dyn.test" IN', // quoted as named's lexer reads it
      ].join('\n');
      const ours = await cli(['-c', conf, '-p', String(relay.port), '-'], input);
      expect(ours.exitCode).toBe(1);
      const zone = await runRndcBinary(named, ['zonestatus', 'dyn.test']);
      const missing = await runRndcBinary(named, ['zonestatus', 'nope.test']);
      const status = await runRndcBinary(named, ['status']);
      expect(missing.exitCode).toBe(1);
      // stdout: the replies in order, as rndc prints each (status counters aside).
      const parts = ours.stdout.split(/^(?=name: dyn\.test$|version: )/m);
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe(zone.stdout);
      expect(parts[1]).toMatch(/^version: BIND 9\./);
      expect(parts[1]?.split('\n').length).toBe(status.stdout.split('\n').length);
      expect(parts[2]).toBe(zone.stdout);
      expect(ours.stderr).toBe(rndcName(missing.stderr));
      // Four commands, one connection.
      expect(relay.connections()).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('all lines succeed: exit 0; --batch FILE reads the file', async () => {
    const file = join(scratch, 'ok.txt');
    await writeFile(file, 'zonestatus dyn.test\nzonestatus static.test\n');
    const ours = await cli(['-c', conf, '--batch', file]);
    expect(ours.stderr).toBe('');
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout.match(/^name: /gm)).toHaveLength(2);
    const missing = await cli(['-c', conf, '--batch', join(scratch, 'absent.txt')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^rndc-js: cannot read .*absent\.txt/);
  });

  it('--json: one object per line, with the line number, the typed fields and per-line errors', async () => {
    const ours = await cli(
      ['-c', conf, '--json', '-'],
      'zonestatus dyn.test\nzonestatus nope.test\nupdate add x\n',
    );
    expect(ours.exitCode).toBe(1);
    const lines = ours.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ line: 1, ok: true, command: 'zonestatus dyn.test' });
    expect(lines[0]?.zoneStatus).toMatchObject({ name: 'dyn.test', dynamic: true });
    expect(typeof lines[0]?.zoneStatus.serial).toBe('number');
    expect(lines[1]).toMatchObject({ line: 2, ok: false, err: 'not found' });
    expect(lines[2]).toMatchObject({ line: 3, ok: false, error: { kind: 'input' } });
  });

  it('hostile input: an endless line is skipped with bounded memory, rndc-js commands and sync -clean are refused', async () => {
    const huge = `zonestatus ${'a'.repeat(200_000)}`;
    const ours = await cli(
      ['-c', conf, '-'],
      `${huge}\nsync -clean dyn.test\ndoctor dyn.test\nzonestatus dyn.test`,
    );
    expect(ours.exitCode).toBe(1);
    expect(ours.stderr).toBe(
      [
        'rndc-js: line 1: line longer than 65536 bytes: skipped',
        'rndc-js: line 2: sync -clean is not run in a batch: run rndc-js sync ZONE -clean (it proves the dump before the journal goes)',
        "rndc-js: line 3: 'doctor' is a command of rndc-js, not of named: run it as rndc-js doctor …",
        '',
      ].join('\n'),
    );
    // The last line (no newline at the end) still ran.
    expect(ours.stdout).toMatch(/^name: dyn\.test$/m);
    // Batch mode takes no command on its command line.
    const extra = await cli(['-c', conf, '-', 'status'], 'status\n');
    expect(extra.exitCode).toBe(1);
    expect(extra.stdout).toBe('');
  });
});

describe('--json always prints exactly one JSON document', () => {
  it('usage errors, no command, a usage error inside a command, a connection failure', async () => {
    for (const args of [
      ['--json', '-Z', 'status'],
      ['--json'],
      ['-c', conf, '--json', 'sync', '--verify', '--zone-file', 'dyn.test.zone'],
      ['-c', conf, '--json', '-s', 'nonexistent.invalid', 'status'],
    ]) {
      const result = await cli(args);
      expect(result.exitCode, args.join(' ')).toBe(1);
      const document = JSON.parse(result.stdout) as Json;
      expect(document.ok, args.join(' ')).toBe(false);
      expect(document.error.message, args.join(' ')).toMatch(/\S/);
    }
    expect(JSON.parse((await cli(['--json', '-Z', 'status'])).stdout).error).toMatchObject({
      kind: 'usage',
      message: "unknown option '-Z'",
    });
  });

  it('an unexpected exception (a bug) is a JSON error too, exit 70', async () => {
    const io = fakeIo();
    const broken = Object.create(io, {
      cwd: {
        get() {
          throw new Error('planted failure');
        },
      },
    });
    expect(await runCli(['-c', conf, '--json', 'status'], broken)).toBe(70);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      error: { kind: 'internal', message: 'planted failure', causes: [], remedy: null },
    });
  });

  it('status and zonestatus carry the typed fields next to the text', async () => {
    const status = JSON.parse((await cli(['-c', conf, '--json', 'status'])).stdout) as Json;
    expect(status.ok).toBe(true);
    expect(status.status.running).toBe(true);
    expect(status.status.numberOfZones).toBeGreaterThan(0);
    expect(status.status.version).toMatch(/9\.\d+\.\d+/);
    expect(status.status.raw).toBeUndefined();
    const zone = JSON.parse(
      (await cli(['-c', conf, '--json', 'zonestatus', 'dyn.test'])).stdout,
    ) as Json;
    expect(zone.zoneStatus).toMatchObject({ name: 'dyn.test', type: 'primary', dynamic: true });
  });
});

describe('global options as rndc has them', () => {
  /** rndc-js and rndc with the same arguments: same stderr (program name aside), same status. */
  const same = async (args: readonly string[]) => {
    const reference = await runRndcBinary(named, args);
    const ours = await cli(['-c', conf, ...args]);
    expect(
      { stderr: ours.stderr, exitCode: ours.exitCode, stdout: ours.stdout },
      args.join(' '),
    ).toEqual({
      stderr: rndcName(reference.stderr),
      exitCode: reference.exitCode,
      stdout: reference.stdout,
    });
  };

  it('-4/-6 restrict the address family; an unresolvable -s is "couldn\'t get address"', async () => {
    await same(['-4', '-6', 'status']);
    await same(['-4', '-s', '::1', 'status']);
    await same(['-6', '-s', '127.0.0.1', 'status']);
    await same(['-s', 'nonexistent.invalid', 'status']);
    await same(['-4', '-s', 'nonexistent.invalid', 'status']);
    // -4 with a name: its IPv4 address is used.
    const v4 = await cli([
      '-c',
      conf,
      '-4',
      '-s',
      'localhost',
      '-p',
      String(named.controlPort),
      'zonestatus',
      'dyn.test',
    ]);
    expect(v4.stderr).toBe('');
    expect(v4.stdout).toMatch(/^name: dyn\.test$/m);
  });

  it('-h: the usage and the command catalog on stderr, exit 0; no command: the same, exit 1', async () => {
    for (const [args, status] of [
      [['-h'], 0],
      [[], 1],
    ] as const) {
      const reference = await runRndcBinary(named, args);
      const ours = await cli(args);
      expect(reference.exitCode).toBe(status);
      expect(ours.exitCode).toBe(status);
      expect(reference.stdout).toBe('');
      expect(ours.stdout).toBe('');
      expect(ours.stderr).toMatch(/^Usage: rndc-js/);
      // Every command rndc's usage lists is in ours.
      for (const word of ['zonestatus', 'reload', 'freeze', 'thaw', 'sync', 'addzone', 'dumpdb']) {
        expect(reference.stderr, word).toContain(`${word} `);
        expect(ours.stderr, word).toMatch(new RegExp(`^  ${word} `, 'm'));
      }
      expect(ours.stderr).toMatch(/-4 \| -6/);
    }
  });
});
