import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMAC_ALGORITHMS } from '../../src/keys/key.js';
import {
  type NamedInstance,
  NamedStartError,
  runBinary,
  runRndcBinary,
  startNamed,
} from '../../src/testing/index.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function nsupdateSecret(named: NamedInstance): string {
  const key = named.truncatedKey;
  return `hmac-sha256-128:${key.name}:${key.secretBytes().toString('base64')}`;
}

describe('startNamed() with defaults and a read-only listener', () => {
  let named: NamedInstance;

  beforeAll(async () => {
    named = await startNamed({ readOnlyControl: true });
  });

  afterAll(async () => {
    await named?.stop();
  });

  it('describes what it started', () => {
    expect(named.host).toBe('127.0.0.1');
    expect(named.version).toMatch(/^9\.\d+\.\d+/);
    expect(named.dir).toMatch(/rndc-named-/);
    expect(new Set([named.dnsPort, named.controlPort, named.readOnlyControlPort]).size).toBe(3);
    for (const port of [named.dnsPort, named.controlPort]) {
      expect(port).not.toBe(53);
      expect(port).not.toBe(953);
    }
    expect(named.zones.map((zone) => [zone.name, zone.kind, zone.file])).toEqual([
      ['dyn.test', 'dynamic', 'zones/dyn.test.db'],
      ['static.test', 'static', 'zones/static.test.db'],
    ]);
    for (const zone of named.zones) {
      expect(zone.path).toBe(`${named.dir}/${zone.file}`);
      expect(existsSync(zone.path)).toBe(true);
    }
    for (const algorithm of HMAC_ALGORITHMS) {
      expect(named.keys[algorithm].algorithm).toBe(algorithm);
      expect(named.keys[algorithm].name).toBe(`rndc-${algorithm.slice(5)}`);
    }
    expect(named.truncatedKey.truncatedBits).toBe(128);
    const conf = readFileSync(named.configFile, 'utf8');
    expect(conf).toContain('listen-on-v6 { none; };');
    expect(conf).toContain('file "zones/dyn.test.db";');
    expect(conf).toContain('read-only yes;');
    expect(named.readLog()).toMatch(/general: notice: running$/m);
  });

  it.each(HMAC_ALGORITHMS)('BIND rndc status works with %s', async (algorithm) => {
    const result = await runRndcBinary(named, ['status'], { algorithm });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('server is up and running');
  });

  it('BIND rndc zonestatus dyn.test works and is logged', async () => {
    const since = named.logOffset();
    const result = await runRndcBinary(named, ['zonestatus', 'dyn.test']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('name: dyn.test');
    expect(result.stdout).toContain('type: primary');
    expect(result.stdout).toContain('files: zones/dyn.test.db');
    expect(result.stdout).toContain('dynamic: yes');
    const line = await named.waitForLog(/received control channel command 'zonestatus dyn\.test'/, {
      since,
    });
    expect(line).toMatch(/general: info: /);
  });

  it('answers DNS on its port', async () => {
    const result = await runBinary('dig', [
      '@127.0.0.1',
      '-p',
      String(named.dnsPort),
      'dyn.test',
      'SOA',
      '+short',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(
      'ns.dyn.test. hostmaster.dyn.test. 2024010101 3600 600 86400 300',
    );
  });

  it('accepts an UPDATE signed with the truncated TSIG key', async () => {
    const script = [
      `server 127.0.0.1 ${named.dnsPort}`,
      'zone dyn.test',
      'update add host1.dyn.test 300 A 192.0.2.10',
      'send',
      '',
    ].join('\n');
    const update = await runBinary('nsupdate', ['-y', nsupdateSecret(named)], { input: script });
    expect(update.stderr).toBe('');
    expect(update.exitCode).toBe(0);
    const dig = await runBinary('dig', [
      '@127.0.0.1',
      '-p',
      String(named.dnsPort),
      'host1.dyn.test',
      'A',
      '+short',
    ]);
    expect(dig.stdout.trim()).toBe('192.0.2.10');
  });

  it('the read-only listener answers status but refuses reload', async () => {
    const port = named.readOnlyControlPort;
    expect(port).toBeDefined();
    const status = await runRndcBinary(named, ['status'], { port: port!, algorithm: 'hmac-sha1' });
    expect(status.exitCode).toBe(0);
    const since = named.logOffset();
    const reload = await runRndcBinary(named, ['reload'], { port: port! });
    expect(reload.exitCode).toBe(1);
    expect(reload.stderr).toContain('failed: failure');
    await named.waitForLog(/rejecting restricted control channel command 'reload'/, { since });
  });

  it('waitForLog times out with the log tail', async () => {
    await expect(
      named.waitForLog(/this line never appears/, { since: named.logOffset(), timeoutMs: 100 }),
    ).rejects.toThrow(/timed out after 100 ms/);
  });
});

describe('startNamed() with an inline-signing zone, as nobody', async () => {
  const nobody = await runBinary('id', ['-u', 'nobody']);
  const canDropToNobody = nobody.exitCode === 0 && process.getuid?.() === 0;
  let named: NamedInstance;

  beforeAll(async () => {
    named = await startNamed({
      ...(canDropToNobody ? { user: 'nobody' } : {}),
      zones: [
        { name: 'dyn.test', kind: 'dynamic' },
        { name: 'signed.test', kind: 'inline-signing', records: ['mail 300 MX 10 www'] },
      ],
    });
  });

  afterAll(async () => {
    await named?.stop();
  });

  it('serves the zone inline-signed', async () => {
    const result = await runRndcBinary(named, ['zonestatus', 'signed.test']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('inline signing: yes');
    expect(result.stdout).toContain('secure: yes');
    const dig = await runBinary('dig', [
      '@127.0.0.1',
      '-p',
      String(named.dnsPort),
      'mail.signed.test',
      'MX',
      '+short',
    ]);
    expect(dig.stdout.trim()).toBe('10 www.signed.test.');
  });

  it.skipIf(!canDropToNobody)('runs as nobody and can write its zones', async () => {
    const ps = await runBinary('ps', ['-o', 'user=', '-p', String(named.pid)]);
    expect(ps.stdout.trim()).toBe('nobody');
    const script = [
      `server 127.0.0.1 ${named.dnsPort}`,
      'zone dyn.test',
      'update add host2.dyn.test 300 TXT "as nobody"',
      'send',
      '',
    ].join('\n');
    const since = named.logOffset();
    const update = await runBinary('nsupdate', ['-y', nsupdateSecret(named)], { input: script });
    expect(update.exitCode).toBe(0);
    const sync = await runRndcBinary(named, ['sync', 'dyn.test']);
    expect(sync.exitCode).toBe(0);
    await named.waitForLog(/dumping zone 'dyn\.test\/IN'|sync: dumping zone/, { since });
    await expect.poll(() => readFileSync(named.zones[0]!.path, 'utf8')).toContain('as nobody');
  });
});

describe('ownership: leave', async () => {
  const nobody = await runBinary('id', ['-u', 'nobody']);
  const canDropToNobody = nobody.exitCode === 0 && process.getuid?.() === 0;

  it.skipIf(!canDropToNobody)(
    'leaves zones/ to the caller, so journals cannot be created',
    async () => {
      let hookUid: number | undefined;
      const named = await startNamed({
        user: 'nobody',
        ownership: 'leave',
        beforeStart: (context) => {
          hookUid = context.uid;
        },
      });
      try {
        expect(hookUid).toBe(Number(nobody.stdout.trim()));
        const since = named.logOffset();
        const update = await runBinary('nsupdate', ['-y', nsupdateSecret(named)], {
          input: `server 127.0.0.1 ${named.dnsPort}\nzone dyn.test\nupdate add x.dyn.test 300 A 192.0.2.1\nsend\n`,
        });
        expect(update.exitCode).not.toBe(0);
        expect(update.stderr).toContain('SERVFAIL');
        await named.waitForLog(/dyn\.test\.db\.jnl: create: permission denied/, { since });
      } finally {
        await named.stop();
      }
    },
  );
});

describe('stopping and failing', () => {
  it('stop() ends named and removes its directory', async () => {
    const named = await startNamed({ zones: [] });
    expect(pidAlive(named.pid)).toBe(true);
    expect(existsSync(named.dir)).toBe(true);
    await named.stop();
    expect(named.isRunning()).toBe(false);
    expect(() => process.kill(named.pid, 0)).toThrow();
    expect(existsSync(named.dir)).toBe(false);
    await named.stop(); // idempotent
  });

  it('stop() cleans up after named exited by itself (rndc stop)', async () => {
    const named = await startNamed({ zones: [{ name: 'only.test', kind: 'static' }] });
    const result = await runRndcBinary(named, ['stop']);
    expect(result.exitCode).toBe(0);
    const exit = await named.exited;
    expect(exit.code).toBe(0);
    expect(named.kill()).toBe(false);
    await named.stop();
    expect(existsSync(named.dir)).toBe(false);
  });

  it('kill() delivers a signal', async () => {
    const named = await startNamed({ zones: [] });
    expect(named.kill('SIGKILL')).toBe(true);
    await expect(named.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    await named.stop();
    expect(existsSync(named.dir)).toBe(false);
  });

  it('a configuration error rejects with the command line and the log tail', async () => {
    const error = await startNamed({ zones: [], extraOptions: 'no-such-option yes;' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NamedStartError);
    const startError = error as NamedStartError;
    expect(startError.kind).toBe('exited');
    expect(startError.message).toMatch(/named -f -4 -c \S+named\.conf -L \S+named\.log/);
    expect(startError.message).toContain("unknown option 'no-such-option'");
    const dir = /-c (\S+)\/named\.conf/.exec(startError.command)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  });
});
