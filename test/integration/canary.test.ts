// The canary secret (test/setup/canary.ts) starts every key of every startNamed() instance of the
// suite. Here it is used everywhere a secret could leak from — control channel over the six
// algorithms, rejections, read-only channel, timeouts, UPDATE with BADSIG/BADKEY/timeouts, the
// nsupdate runner, rndc.conf errors and the CLI with DEBUG=rndc:* — and no error text, describe(),
// JSON, util.inspect (showHidden, depth Infinity), debug line or CLI output may contain it in any
// encoding (raw, hex, base64, base64url, any alignment, truncated).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import createDebug from 'debug';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { HMAC_ALGORITHMS } from '../../src/keys/key.js';
import { loadNsupdateKey } from '../../src/keys/nsupdate-key.js';
import { resolveRndcTarget } from '../../src/keys/resolve.js';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { parseNsupdateScript } from '../../src/update/nsupdate-parse.js';
import { Update } from '../../src/update/update.js';
import {
  CANARY_BYTES,
  CANARY_FORMS,
  CANARY_SECRET,
  leakedForms,
  type SecretForm,
  secretForms,
} from '../helpers/canary.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { startTamperProxy } from '../helpers/tamper-proxy.js';
import { startUdpRelay } from '../helpers/udp-relay.js';

/** The canary with its last byte changed: a wrong secret that still carries the canary. */
const WRONG_BYTES = Buffer.concat([
  CANARY_BYTES.subarray(0, -1),
  Buffer.from([(CANARY_BYTES.at(-1) ?? 0) ^ 0x01]),
]);
const WRONG_SECRET = WRONG_BYTES.toString('base64');

let named: NamedInstance;
let dir: string;
let forms: SecretForm[];
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  named = await startNamed({ readOnlyControl: true });
  dir = mkdtempSync(join(tmpdir(), 'rndc-canary-'));
  forms = [
    ...CANARY_FORMS,
    ...secretForms(WRONG_BYTES),
    ...[...Object.values(named.keys), named.truncatedKey].flatMap((key) =>
      secretForms(key.secretBytes()),
    ),
  ];
});

afterAll(async () => {
  for (const close of closers) await close();
  await named?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every text rendering of `value` a person or a log could get to see. */
function renderings(value: unknown): string[] {
  const texts = [
    inspect(value, { depth: Infinity, showHidden: true }),
    inspect(value, { depth: Infinity, showHidden: true, colors: true }),
    String(value),
  ];
  try {
    texts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) {
    const error = value as Error & {
      describe?: () => string;
      causes?: readonly string[];
      remedy?: string;
    };
    texts.push(error.message, error.stack ?? '', error.toString());
    if (typeof error.describe === 'function') texts.push(error.describe());
    texts.push(...(error.causes ?? []), error.remedy ?? '');
  }
  return texts;
}

/** Asserts that no rendering of any value contains a secret; returns how many texts were read. */
function expectClean(values: Record<string, unknown>): number {
  const leaks: string[] = [];
  let texts = 0;
  for (const [label, value] of Object.entries(values)) {
    for (const text of renderings(value)) {
      texts++;
      const found = leakedForms(text, forms);
      if (found.length > 0) leaks.push(`${label}: ${found.join(', ')}`);
    }
  }
  expect(leaks).toEqual([]);
  return texts;
}

function canaryState(): { violations: string[]; lines: number } {
  const state = (globalThis as { [k: symbol]: { violations: string[]; lines: number } })[
    Symbol.for('rndc.test.canary')
  ];
  if (!state) throw new Error('test/setup/canary.ts did not run (vitest setupFiles)');
  return state;
}

/** A TCP server that accepts and never answers. */
async function silentTcp(): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** A UDP socket that never answers. */
async function silentUdp(): Promise<number> {
  const socket: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => socket.close());
  return socket.address().port;
}

describe('the canary is really in use', () => {
  it('every key of startNamed() carries the canary, keys differ, rndc:* is enabled and scanned', async () => {
    expect(process.env.RNDC_TESTING_KEY_SECRET).toBe(CANARY_SECRET);
    const keys = [...Object.values(named.keys), named.truncatedKey];
    for (const key of keys) {
      expect(key.secretBytes().subarray(0, CANARY_BYTES.length).equals(CANARY_BYTES)).toBe(true);
      expect(key.secretBytes().length).toBeLessThanOrEqual(64);
    }
    expect(new Set(keys.map((k) => k.secretBytes().toString('hex'))).size).toBe(keys.length);
    expect(leakedForms(readFileSync(named.keysFile, 'utf8'))).not.toEqual([]);
    // The namespaces are really on, and the scanner really catches a line with the canary.
    expect(createDebug.enabled('rndc:control')).toBe(true);
    expect(createDebug.enabled('rndc:update')).toBe(true);
    const state = canaryState();
    const before = state.lines;
    const probe = createDebug('rndc:canary-selftest');
    probe('a line that leaks %s', CANARY_SECRET.slice(0, 30));
    expect(state.lines).toBe(before + 1);
    expect(state.violations.at(-1)).toMatch(/rndc:canary-selftest .*base64/);
    state.violations.pop(); // planted on purpose: not a leak of the library
    // And expectClean() below catches each form of a key's secret, wherever it sits in a text.
    const keySecret = named.keys['hmac-sha384'].secretBytes();
    for (const planted of [
      `x${keySecret.toString('hex')}y`,
      `secret: ${keySecret.toString('base64')}`,
      JSON.stringify({ s: Buffer.concat([Buffer.from('ab'), keySecret]).toString('base64url') }),
      keySecret.toString('latin1').slice(0, 20),
      inspect(Buffer.from(WRONG_BYTES)), // <Buffer 43 41 …>: bytes printed by inspect
    ]) {
      expect(() => expectClean({ planted }), planted.slice(0, 12)).toThrow();
    }
  });
});

describe('the keySecretPrefix option', () => {
  it('an explicit prefix wins over the environment; an invalid one is refused unechoed', async () => {
    const explicit = await startNamed({
      keySecretPrefix: Buffer.from('explicit').toString('base64'),
    });
    try {
      const md5 = explicit.keys['hmac-md5'].secretBytes();
      expect(md5.subarray(0, -8).toString('latin1')).toBe('explicit');
      expect(explicit.truncatedKey.secretBytes().subarray(0, -8).toString('latin1')).toBe(
        'explicit',
      );
      // Other instances' keys differ: a stray client of another test is rejected here.
      expect(md5.equals(named.keys['hmac-md5'].secretBytes())).toBe(false);
      const stray = RndcClient.connect({ port: explicit.controlPort, key: named.keys['hmac-md5'] });
      expect((await stray.status()).unwrapErr().kind).toBe('rejected');
      await stray.close();
      const rndc = RndcClient.connect({
        port: explicit.controlPort,
        key: explicit.keys['hmac-md5'],
      });
      expect((await rndc.status()).isOk()).toBe(true);
      await rndc.close();
    } finally {
      await explicit.stop();
    }
    const refused = await startNamed({ keySecretPrefix: `${CANARY_SECRET}!` }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ kind: 'bad-option' });
    const tooLong = await startNamed({
      keySecretPrefix: Buffer.concat([CANARY_BYTES, CANARY_BYTES]).toString('base64'),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(tooLong).toMatchObject({ kind: 'bad-option' });
    expectClean({ refused, tooLong });
  });
});

describe('control channel', () => {
  it('six algorithms: ok, wrong secret, read-only channel, failures, timeouts — nothing leaks', async () => {
    const linesBefore = canaryState().lines;
    const values: Record<string, unknown> = {};
    const silentPort = await silentTcp();
    for (const algorithm of HMAC_ALGORITHMS) {
      const key = named.keys[algorithm];
      const rndc = RndcClient.connect({ port: named.controlPort, key });
      const spec = RndcClient.connect({
        port: named.controlPort,
        key: { name: key.name, algorithm, secret: key.secretBytes().toString('base64') },
      });
      const status = await rndc.status();
      expect(status.isOk()).toBe(true);
      const viaSpec = await spec.run('status');
      expect(viaSpec.isOk()).toBe(true);
      const zone = await rndc.zonestatus('dyn.test');
      expect(zone.isOk()).toBe(true);
      const missing = (await rndc.zonestatus('nosuch.zone')).unwrapErr();
      const unknown = (await rndc.run('frobnicate now')).unwrapErr();
      const wrongClient = RndcClient.connect({
        port: named.controlPort,
        key: { name: key.name, algorithm, secret: WRONG_SECRET },
      });
      const rejected = (await wrongClient.status()).unwrapErr();
      expect(rejected.kind).toBe('rejected');
      const canaryOnly = (
        await RndcClient.connect({
          port: named.controlPort,
          key: { name: key.name, algorithm, secret: CANARY_SECRET },
        }).status()
      ).unwrapErr();
      expect(canaryOnly.kind).toBe('rejected');
      const readOnly = RndcClient.connect({ port: named.readOnlyControlPort!, key });
      const refused = (await readOnly.reload()).unwrapErr();
      expect(refused.kind).toBe('read-only-channel');
      const silent = RndcClient.connect({ port: silentPort, key, timeoutMs: 300 });
      const timedOut = (await silent.status()).unwrapErr();
      expect(timedOut.kind).toBe('timeout');
      const badSpec = RndcClient.connect({
        port: named.controlPort,
        key: { name: key.name, algorithm, secret: `${CANARY_SECRET}!!` },
      });
      const invalid = (await badSpec.status()).unwrapErr();
      const badAlgorithm = (
        await RndcClient.connect({
          port: named.controlPort,
          key: { name: key.name, algorithm: 'hmac-sha999', secret: CANARY_SECRET },
        }).status()
      ).unwrapErr();
      Object.assign(values, {
        [`${algorithm} key`]: key,
        [`${algorithm} status`]: status,
        [`${algorithm} run`]: viaSpec,
        [`${algorithm} zonestatus`]: zone,
        [`${algorithm} missing`]: missing,
        [`${algorithm} unknown`]: unknown,
        [`${algorithm} rejected`]: rejected,
        [`${algorithm} canary-only`]: canaryOnly,
        [`${algorithm} read-only`]: refused,
        [`${algorithm} timeout`]: timedOut,
        [`${algorithm} invalid base64`]: invalid,
        [`${algorithm} bad algorithm`]: badAlgorithm,
        [`${algorithm} client`]: rndc,
        [`${algorithm} spec client`]: spec,
        [`${algorithm} wrong client`]: wrongClient,
        [`${algorithm} silent client`]: silent,
        [`${algorithm} client with an invalid spec`]: badSpec,
      });
      for (const client of [rndc, spec, wrongClient, readOnly, silent, badSpec]) {
        await client.close();
      }
    }
    const texts = expectClean(values);
    expect(texts).toBeGreaterThan(100);
    expect(canaryState().lines).toBeGreaterThan(linesBefore);
  });
});

describe('UPDATE', () => {
  // BADSIG and BADKEY replies are unsigned: the client waits up to a second for a verified reply
  // before reporting each (RFC 8945 §5.4), 14 of them here.
  it('ok over every algorithm and the truncated key, BADSIG, BADKEY, refused, timeout — nothing leaks', {
    timeout: 90_000,
  }, async () => {
    const linesBefore = canaryState().lines;
    const values: Record<string, unknown> = {};
    const silentPort = await silentUdp();
    for (const key of [...Object.values(named.keys), named.truncatedKey]) {
      const client = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key });
      const ok = await client.send(
        new Update('dyn.test').add(
          `canary-${key.algorithm}-${key.truncatedBits ?? 0} 300 A 192.0.2.1`,
        ),
      );
      expect(ok.isOk()).toBe(true);
      const exists = (
        await client.send(
          new Update('dyn.test').absent(`canary-${key.algorithm}-${key.truncatedBits ?? 0}`),
        )
      ).unwrapErr();
      expect(exists.kind).toBe('YXDOMAIN');
      const wrongClient = new UpdateClient({
        server: '127.0.0.1',
        port: named.dnsPort,
        key: { name: key.name, algorithm: key.algorithm, secret: WRONG_SECRET },
      });
      const badsig = (
        await wrongClient.send(new Update('dyn.test').add('x 300 A 192.0.2.1'))
      ).unwrapErr();
      wrongClient.close();
      expect(badsig.kind).toBe('BADSIG');
      const badkey = (
        await new UpdateClient({
          server: '127.0.0.1',
          port: named.dnsPort,
          key: { name: 'no-such-key', algorithm: key.algorithm, secret: CANARY_SECRET },
        }).send(new Update('dyn.test').add('x 300 A 192.0.2.1'))
      ).unwrapErr();
      expect(badkey.kind).toBe('BADKEY');
      const silent = new UpdateClient({
        server: '127.0.0.1',
        port: silentPort,
        key,
        timeoutMs: 400,
        retryIntervalMs: 100,
      });
      const timedOut = (
        await silent.send(new Update('dyn.test').add('x 300 A 192.0.2.1'))
      ).unwrapErr();
      expect(timedOut.kind).toBe('timeout');
      const invalid = (
        await new UpdateClient({
          server: '127.0.0.1',
          port: named.dnsPort,
          key: { name: key.name, algorithm: key.algorithm, secret: `${CANARY_SECRET}!` },
        }).send(new Update('dyn.test').add('x 300 A 192.0.2.1'))
      ).unwrapErr();
      const label = `${key.name}`;
      Object.assign(values, {
        [`${label} ok`]: ok,
        [`${label} YXDOMAIN`]: exists,
        [`${label} BADSIG`]: badsig,
        [`${label} BADKEY`]: badkey,
        [`${label} timeout`]: timedOut,
        [`${label} invalid key`]: invalid,
        [`${label} client`]: client,
        [`${label} silent client`]: silent,
        [`${label} client built from a spec with a wrong secret`]: wrongClient,
      });
      client.close();
      silent.close();
    }
    expectClean(values);
    expect(canaryState().lines).toBeGreaterThan(linesBefore);
  });

  it('the nsupdate runner and nsupdate key files — nothing leaks', async () => {
    const key = named.keys['hmac-sha256'];
    const secret = key.secretBytes().toString('base64');
    const script = (keyLine: string) =>
      `server 127.0.0.1 ${named.dnsPort}\n${keyLine}\nzone dyn.test\nupdate add ns-canary.dyn.test. 300 A 192.0.2.5\nsend\n`;
    const ok = (await runNsupdateScript(script(`key hmac-sha256:${key.name} ${secret}`))).unwrap();
    expect(ok.exitCode).toBe(0);
    const badsig = (
      await runNsupdateScript(script(`key hmac-sha256:${key.name} ${WRONG_SECRET}`))
    ).unwrap();
    expect(badsig.exitCode).toBe(2);
    const badkey = (
      await runNsupdateScript(script(`key hmac-sha256:nokey ${CANARY_SECRET}`))
    ).unwrap();
    expect(badkey.exitCode).toBe(2);
    const viaOption = (
      await runNsupdateScript(
        `server 127.0.0.1 ${named.dnsPort}\nupdate add opt-canary.dyn.test. 300 A 192.0.2.6\nsend\n`,
        { key: { name: key.name, algorithm: 'hmac-sha256', secret: WRONG_SECRET } },
      )
    ).unwrap();
    expect(viaOption.exitCode).toBe(2);
    const silentPort = await silentUdp();
    const timedOut = (
      await runNsupdateScript(
        `server 127.0.0.1 ${silentPort}\nkey hmac-sha256:${key.name} ${secret}\nupdate add t.dyn.test. 300 A 192.0.2.1\nsend\n`,
        { timeoutMs: 400, retryIntervalMs: 100 },
      )
    ).unwrap();
    // No `zone` line: the SOA lookup times out, and nsupdate gives up with exit 1.
    expect(timedOut.exitCode).toBe(1);
    expect(timedOut.stderr).toMatch(/could not reach any name server\n$/);
    const syntax = [
      `key hmac-sha256:k ${CANARY_SECRET}!!\nsend\n`,
      `key hmac-sha999:k ${CANARY_SECRET}\nsend\n`,
      `key ${CANARY_SECRET}\nsend\n`,
      `key k ${CANARY_SECRET} extra\nsend\n`,
      `key hmac-sha256:k ${CANARY_SECRET}\nupdate add x 300 A\nsend\n`,
    ].map((text) => parseNsupdateScript(text));
    for (const parsed of syntax) expect(parsed.isErr()).toBe(true);
    const failedRuns = await Promise.all(
      [`key hmac-sha256:k ${CANARY_SECRET}!!\nsend\n`, `key ${CANARY_SECRET}\nsend\n`].map((text) =>
        runNsupdateScript(text),
      ),
    );
    const keyFile = join(dir, 'update.key');
    writeFileSync(keyFile, `key "${key.name}" { algorithm hmac-sha256; secret "${secret}"; };\n`);
    const brokenKeyFile = join(dir, 'broken.key');
    writeFileSync(
      brokenKeyFile,
      `key "${key.name}" { algorithm hmac-sha256; secret "${secret}" };\n`,
    );
    const loaded = await loadNsupdateKey(keyFile);
    expect(loaded.isOk()).toBe(true);
    const broken = await loadNsupdateKey(brokenKeyFile);
    expect(broken.isErr()).toBe(true);
    // dnssec-keygen style pairs (K<name>.+163+<id>.private) with the canary in broken lines.
    const pairs: Record<string, unknown> = {};
    for (const [name, text] of Object.entries({
      'bad base64': `Key: ${CANARY_SECRET}!!\n`,
      'secret as a field name': `Key: ${CANARY_SECRET}\n${CANARY_SECRET}: x\n`,
      'line without a colon': `${CANARY_SECRET}\n`,
      'Key twice': `Key: ${CANARY_SECRET}\nKey: ${CANARY_SECRET}\n`,
    })) {
      const owner = name.replace(/\W+/g, '').toLowerCase();
      const base = join(dir, `K${owner}.+163+00001`);
      writeFileSync(`${base}.key`, `${owner}. IN KEY 512 3 163 ${CANARY_SECRET}\n`);
      writeFileSync(
        `${base}.private`,
        `Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\n${text}Bits: AAA=\n`,
      );
      const pair = await loadNsupdateKey(`${base}.private`);
      expect(pair.isErr(), name).toBe(true);
      pairs[`key pair: ${name}`] = pair.isErr() ? pair.error : pair;
      // Refused for what the line says, not because the files are missing or don't match.
      expect(pair.isErr() && pair.error.message, name).toMatch(/\.private:[34]: /);
    }
    expectClean({
      ok,
      badsig,
      badkey,
      viaOption,
      timedOut,
      'ok stdout+stderr': ok.stdout + ok.stderr,
      'badsig stderr': badsig.stderr,
      'timeout stderr': timedOut.stderr,
      ...Object.fromEntries(syntax.map((s, i) => [`syntax ${i}`, s.isErr() ? s.error : s])),
      ...Object.fromEntries(failedRuns.map((r, i) => [`failed run ${i}`, r])),
      loaded,
      broken: broken.isErr() ? broken.error : broken,
      ...pairs,
    });
  });
});

describe('rndc.conf', () => {
  const confs: Record<string, (port: number) => string> = {
    'missing ; after the secret': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}" }\noptions { default-key "k"; };\n`,
    'unterminated secret string': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}; };\n`,
    'bad base64': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}!!"; };\noptions { default-key "k"; default-server 127.0.0.1; };\n`,
    'unquoted secret': () => `key "k" { algorithm hmac-sha256; secret ${CANARY_SECRET} };\n`,
    'two secrets': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}" "${CANARY_SECRET}"; };\n`,
    'secret redefined': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}"; secret "${WRONG_SECRET}"; };\n`,
    'unknown algorithm': () =>
      `key "k" { algorithm hmac-sha999; secret "${CANARY_SECRET}"; };\noptions { default-key "k"; default-server 127.0.0.1; };\n`,
    'secret as a keyword': () => `key "k" { algorithm hmac-sha256; ${CANARY_SECRET} "x"; };\n`,
    'trailing garbage': () =>
      `key "k" { algorithm hmac-sha256; secret "${CANARY_SECRET}"; }; ${CANARY_SECRET}\n`,
  };

  it('ConfigErrors from an rndc.conf holding the canary, and a client built from one — nothing leaks', async () => {
    const values: Record<string, unknown> = {};
    for (const [name, render] of Object.entries(confs)) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.conf`);
      writeFileSync(file, render(named.controlPort));
      const target = await resolveRndcTarget({ configFile: file });
      expect(target.isErr(), name).toBe(true);
      values[name] = target.isErr() ? target.error : target;
      const client = await RndcClient.fromConfig({ configFile: file });
      values[`${name} (fromConfig)`] = client.isErr() ? client.error : client.value;
    }
    const good = await RndcClient.fromConfig({ configFile: named.rndcConfFile('hmac-sha512') });
    const rndc = good.unwrap();
    const status = await rndc.status();
    expect(status.isOk()).toBe(true);
    values['good client'] = rndc;
    values['good target'] = await resolveRndcTarget({
      configFile: named.rndcConfFile('hmac-sha512'),
    });
    values.status = status;
    await rndc.close();
    expectClean(values);
  });
});

describe('CLI', () => {
  const cli = async (
    args: readonly string[],
    input?: string,
  ): Promise<{ exitCode: number | null; output: string; answerTsig: number }> => {
    const run = await runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
      env: { DEBUG: 'rndc:*', DEBUG_COLORS: '0' },
      timeoutMs: 60_000,
      ...(input === undefined ? {} : { input }),
    });
    // `answer` prints the reply's TSIG pseudosection, MAC included, on stdout as nsupdate does
    // (issue 13): the one place a MAC may appear. It is cut out before the check, and counted.
    const pseudosection = /^;; TSIG PSEUDOSECTION:\n[^\n]*\n/gm;
    const answerTsig = run.stdout.match(pseudosection)?.length ?? 0;
    const stdout = run.stdout.replace(pseudosection, '');
    return { exitCode: run.exitCode, output: `${stdout}\n${run.stderr}`, answerTsig };
  };

  it('rndc-js status, -V, --json, failures, bad rndc.conf and update -y/-d with DEBUG=rndc:* — nothing leaks', {
    timeout: 120_000,
  }, async () => {
    const conf = named.rndcConfFile('hmac-sha256');
    const brokenConf = join(dir, 'cli-broken.conf');
    writeFileSync(
      brokenConf,
      `${readFileSync(conf, 'utf8')}\nkey "x" { algorithm hmac-sha256; secret "${CANARY_SECRET}" }\n`,
    );
    const wrongConf = join(dir, 'cli-wrong.conf');
    writeFileSync(
      wrongConf,
      readFileSync(conf, 'utf8').replace(
        named.keys['hmac-sha256'].secretBytes().toString('base64'),
        WRONG_SECRET,
      ),
    );
    const silentPort = await silentTcp();
    const key = named.keys['hmac-sha256'];
    const secret = key.secretBytes().toString('base64');
    // The MACs that cross the wire are secrets too: record them on the way (hmac-sha256 only).
    const macs: SecretForm[] = [];
    const controlMac = (frame: Buffer) => {
      // hsha: algorithm byte at 0x1d, then the MAC in base64.
      const mac = frame.subarray(0x1e, 0x1e + 44).toString('latin1');
      if (/^[A-Za-z0-9+/]{43}=$/.test(mac)) {
        macs.push({ form: 'control MAC (base64)', text: mac.slice(0, 20) });
        macs.push({
          form: 'control MAC (hex)',
          text: Buffer.from(mac, 'base64').toString('hex').slice(0, 20),
        });
      }
    };
    const proxy = await startTamperProxy(
      named.controlPort,
      (frame) => {
        controlMac(frame);
        return frame;
      },
      (frame) => {
        controlMac(frame);
        return 'forward';
      },
    );
    closers.push(() => proxy.close());
    const tsigMac = (packet: Buffer) => {
      // TSIG at the end: … MAC size, MAC (32), original id, error, other len (0).
      if (packet.length < 40 || packet.readUInt16BE(packet.length - 6 - 32 - 2) !== 32) return;
      const mac = packet.subarray(packet.length - 6 - 32, packet.length - 6);
      macs.push({ form: 'TSIG MAC (base64)', text: mac.toString('base64').slice(0, 20) });
      macs.push({ form: 'TSIG MAC (hex)', text: mac.toString('hex').slice(0, 20) });
    };
    const relay = await startUdpRelay(named.dnsPort, {
      query: (query) => {
        tsigMac(query);
        return undefined;
      },
      reply: (reply) => {
        tsigMac(reply);
        return undefined;
      },
    });
    closers.push(() => relay.close());
    const updateScript = (owner: string) =>
      `server 127.0.0.1 ${relay.port}\nzone dyn.test\nupdate add ${owner}.dyn.test. 300 A 192.0.2.9\nsend\nanswer\n`;
    const viaProxy = ['-c', conf, '-p', String(proxy.port)];
    const runs = {
      status: await cli([...viaProxy, 'status']),
      verbose: await cli([...viaProxy, '-V', 'status']),
      json: await cli([...viaProxy, '--json', 'status']),
      'json failure': await cli(['-c', conf, '--json', 'zonestatus', 'nosuch.zone']),
      failure: await cli(['-c', conf, '-V', 'zonestatus', 'nosuch.zone']),
      'wrong secret': await cli(['-c', wrongConf, '-V', 'status']),
      'wrong secret json': await cli(['-c', wrongConf, '--json', 'status']),
      timeout: await cli(['-c', conf, '-p', String(silentPort), '-t', '1', '-V', 'status']),
      'broken rndc.conf': await cli(['-c', brokenConf, '-V', 'status']),
      'broken rndc.conf json': await cli(['-c', brokenConf, '--json', 'status']),
      'update -d': await cli(
        ['update', '-d', '-y', `hmac-sha256:${key.name}:${secret}`],
        updateScript('cli-d'),
      ),
      'update -D': await cli(
        ['update', '-D', '-y', `hmac-sha256:${key.name}:${secret}`],
        updateScript('cli-dd'),
      ),
      'update BADSIG': await cli(
        ['update', '-d', '-y', `hmac-sha256:${key.name}:${WRONG_SECRET}`],
        updateScript('cli-bad'),
      ),
      'update BADKEY': await cli(
        ['update', '-d', '-y', `hmac-sha256:nokey:${CANARY_SECRET}`],
        updateScript('cli-badkey'),
      ),
      'update bad base64': await cli(
        ['update', '-d', '-y', `hmac-sha256:${key.name}:${CANARY_SECRET}!!`],
        updateScript('cli-b64'),
      ),
      'update bad algorithm': await cli(
        ['update', '-d', '-y', `hmac-sha999:${key.name}:${CANARY_SECRET}`],
        updateScript('cli-alg'),
      ),
      'update -y secret alone': await cli(['update', '-y', CANARY_SECRET], updateScript('y1')),
      'update -y secret:': await cli(['update', '-y', `${CANARY_SECRET}:`], updateScript('y2')),
      'update -y too many fields': await cli(
        ['update', '-y', `a:b:c:${CANARY_SECRET}`],
        updateScript('y3'),
      ),
    };
    const outcomes = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.exitCode]));
    // The CLI really ran: successes succeed, failures fail.
    expect(outcomes).toMatchObject({
      status: 0,
      verbose: 0,
      json: 0,
      'json failure': 1,
      failure: 1,
      'update -d': 0,
      'update -D': 0,
      'update BADSIG': 2,
      'update BADKEY': 2,
    });
    for (const name of ['wrong secret', 'timeout', 'broken rndc.conf', 'update bad base64']) {
      expect(outcomes[name], name).not.toBe(0);
    }
    expect(runs.status.output).toMatch(/server is up and running/);
    // DEBUG=rndc:* really reached the child: its debug lines are part of what was checked.
    expect(runs.verbose.output).toMatch(/rndc:control .*status/);
    expect(runs['update -d'].output).toMatch(/rndc:update .*NOERROR/);
    // answer's TSIG pseudosection was there (and cut out): the MAC appears nowhere else.
    expect(runs['update -d'].answerTsig).toBe(1);
    expect(runs['update -D'].answerTsig).toBe(1);
    // 3 proxied status commands (request + reply, handshakes included) and 2 signed updates.
    expect(macs.filter((m) => m.form === 'control MAC (base64)').length).toBeGreaterThanOrEqual(6);
    expect(macs.filter((m) => m.form === 'TSIG MAC (base64)').length).toBeGreaterThanOrEqual(4);
    forms.push(...macs);
    expectClean(Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.output])));
  });

  it('rndc-js transfer, propagation and fleet commands with DEBUG=rndc:* — nothing leaks', {
    timeout: 120_000,
  }, async () => {
    const conf = named.rndcConfFile('hmac-sha256');
    const wrongConf = join(dir, 'fleet-wrong.conf');
    writeFileSync(
      wrongConf,
      readFileSync(conf, 'utf8').replace(
        named.keys['hmac-sha256'].secretBytes().toString('base64'),
        WRONG_SECRET,
      ),
    );
    const key = named.keys['hmac-sha256'];
    const good = `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`;
    const wrong = `hmac-sha256:${key.name}:${WRONG_SECRET}`;
    const dns = ['-s', '127.0.0.1', '-p', String(named.dnsPort)];
    const server = `127.0.0.1:${named.dnsPort}`;
    // Two names for the one control channel: the fleet needs distinct servers.
    const fleet = ['-s', `127.0.0.1:${named.controlPort}`, '-s', `localhost:${named.controlPort}`];
    const runs = {
      transfer: await cli(['transfer', 'dyn.test', ...dns, '-y', good]),
      'transfer json': await cli(['transfer', 'dyn.test', ...dns, '-y', good, '--format', 'json']),
      'transfer ixfr': await cli(['transfer', 'dyn.test', ...dns, '-y', good, '--ixfr', '1']),
      'transfer BADSIG': await cli(['transfer', 'dyn.test', ...dns, '-y', wrong]),
      'transfer bad base64': await cli([
        'transfer',
        'dyn.test',
        ...dns,
        '-y',
        `hmac-sha256:${key.name}:${CANARY_SECRET}!!`,
      ]),
      propagation: await cli(['propagation', 'dyn.test', '--server', server, '-y', good]),
      'propagation json': await cli([
        'propagation',
        'dyn.test',
        '--server',
        server,
        '-y',
        good,
        '--content',
        '--json',
      ]),
      'propagation BADSIG': await cli(['propagation', 'dyn.test', '--server', server, '-y', wrong]),
      fleet: await cli(['-c', conf, ...fleet, 'status']),
      'fleet json': await cli(['-c', conf, ...fleet, '--json', 'zonestatus', 'dyn.test']),
      'fleet wrong secret': await cli(['-c', wrongConf, ...fleet, '--json', 'status']),
    };
    const outcomes = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.exitCode]));
    // The CLI really ran: successes succeed, failures fail.
    expect(outcomes).toMatchObject({
      transfer: 0,
      'transfer json': 0,
      'transfer ixfr': 0,
      'transfer BADSIG': 1,
      propagation: 0,
      'propagation json': 0,
      fleet: 0,
      'fleet json': 0,
      'fleet wrong secret': 1,
    });
    expect(outcomes['transfer bad base64']).not.toBe(0);
    expect(outcomes['propagation BADSIG']).not.toBe(0);
    expect(runs.transfer.output).toMatch(/^dyn\.test\.\s+\d+\s+IN\s+SOA\s/m);
    expect(runs.propagation.output).toMatch(/served/);
    expect(runs.fleet.output).toMatch(/server is up and running/);
    expectClean(Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.output])));
  });
});
