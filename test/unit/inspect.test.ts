// What a person sees in the REPL, in console.log and in test diffs: errors, clients, keys and
// results print readably under util.inspect, at the default depth and at depth Infinity, and never
// show a secret.
import { inspect } from 'node:util';
import { Err, Ok } from 'ts-results-es';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DumpError,
  Key,
  RndcClient,
  RndcError,
  type RndcResponse,
  Update,
  UpdateClient,
  UpdateError,
} from '../../src/index.js';
import { CANARY_SECRET, leakedForms } from '../helpers/canary.js';

const key = Key.from({
  name: 'rndc-key',
  algorithm: 'hmac-sha256',
  secret: CANARY_SECRET,
}).unwrap();
const truncated = Key.from({
  name: 'ddns',
  algorithm: 'hmac-sha256-128',
  secret: CANARY_SECRET,
}).unwrap();

const response: RndcResponse = {
  command: 'freeze dyn.test',
  result: 1,
  err: 'already frozen',
  text: '',
  type: 'freeze',
  server: '127.0.0.1#953',
};

function timeout(): RndcError {
  return new RndcError({
    kind: 'timeout',
    message: "127.0.0.1#953: no reply to 'status' within 5000 ms",
    causes: ['named is overloaded', 'a firewall drops the packets'],
    remedy: 'check that named is running',
    server: '127.0.0.1#953',
    command: 'status',
    mayHaveRun: true,
    cause: Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }),
  });
}

const plain = (value: unknown, depth?: number) =>
  inspect(value, { colors: false, ...(depth === undefined ? {} : { depth }) });

describe('errors', () => {
  it('an RndcError prints class, kind, message, causes, remedy, its fields and the cause', () => {
    expect(plain(timeout())).toBe(
      [
        "RndcError [timeout]: 127.0.0.1#953: no reply to 'status' within 5000 ms",
        '  Likely causes:',
        '    - named is overloaded',
        '    - a firewall drops the packets',
        '  Remedy: check that named is running',
        "  server: '127.0.0.1#953'",
        "  command: 'status'",
        '  mayHaveRun: true',
        '  [cause]: Error: read ETIMEDOUT',
      ].join('\n'),
    );
  });

  it('prints no stack frames and skips fields that are not set', () => {
    const error = new RndcError({ kind: 'closed', message: 'this RndcClient was closed' });
    expect(plain(error)).toBe(
      'RndcError [closed]: this RndcClient was closed\n  mayHaveRun: false',
    );
    expect(plain(timeout(), Number.POSITIVE_INFINITY)).not.toMatch(/^\s+at /m);
  });

  it("named's reply is shown in full at depth Infinity, and folded inside a deep structure", () => {
    const error = new RndcError({
      kind: 'already-frozen',
      message: "127.0.0.1#953: 'freeze dyn.test' failed: already frozen",
      server: '127.0.0.1#953',
      command: 'freeze dyn.test',
      response,
    });
    const full = plain(error, Number.POSITIVE_INFINITY);
    expect(full).toContain("  response: {\n    command: 'freeze dyn.test',");
    expect(full).toContain("    err: 'already frozen',");
    expect(plain({ a: { b: { c: error } } })).toBe(
      '{ a: { b: { c: [RndcError [already-frozen]] } } }',
    );
  });

  it('a cause that is a system error shows its code once', () => {
    const refused = new RndcError({
      kind: 'connect-failed',
      message: 'cannot connect to 127.0.0.1#953',
      cause: Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }),
    });
    expect(plain(refused)).toContain('  [cause]: Error: connect failed (ECONNREFUSED)');
  });

  it('a library error as cause is printed the same way, indented', () => {
    const outer = new DumpError({
      kind: 'command-failed',
      message: 'sync dyn.test failed',
      zone: 'dyn.test',
      cause: timeout(),
    });
    const text = plain(outer);
    expect(text).toMatch(
      /^DumpError \[command-failed\]: sync dyn\.test failed\n {2}zone: 'dyn\.test'\n/,
    );
    expect(text).toContain(
      "  [cause]: RndcError [timeout]: 127.0.0.1#953: no reply to 'status' within 5000 ms\n    Likely causes:",
    );
  });

  it('ConfigError, UpdateError and DumpError print the same way', () => {
    expect(
      plain(
        new ConfigError({
          kind: 'syntax',
          message: '/etc/bind/rndc.conf:3: expected ;',
          location: { file: '/etc/bind/rndc.conf', line: 3 },
        }),
      ),
    ).toBe(
      "ConfigError [syntax]: /etc/bind/rndc.conf:3: expected ;\n  location: { file: '/etc/bind/rndc.conf', line: 3 }",
    );
    expect(
      plain(
        new UpdateError({
          kind: 'REFUSED',
          message: '127.0.0.1#53: update of dyn.test refused',
          remedy: 'check allow-update',
          zone: 'dyn.test',
          rcode: 5,
          authenticated: true,
        }),
      ),
    ).toBe(
      [
        'UpdateError [REFUSED]: 127.0.0.1#53: update of dyn.test refused',
        '  Remedy: check allow-update',
        "  zone: 'dyn.test'",
        '  rcode: 5',
        '  authenticated: true',
        '  mayHaveApplied: false',
      ].join('\n'),
    );
    expect(
      plain(new DumpError({ kind: 'not-verified', message: 'not written in time', zone: 'z' })),
    ).toBe("DumpError [not-verified]: not written in time\n  zone: 'z'");
  });

  it('errors keep their ordinary Error behaviour (message, stack, describe, toString)', () => {
    const error = timeout();
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe("RndcError: 127.0.0.1#953: no reply to 'status' within 5000 ms");
    expect(error.stack).toMatch(/^RndcError: /);
    expect(error.describe()).toContain('Likely causes:\n  - named is overloaded');
  });
});

describe('clients and keys', () => {
  it('a Key shows name and algorithm, the secret redacted', () => {
    expect(plain(key)).toBe(
      `Key { name: "rndc-key", algorithm: 'hmac-sha256', secret: [redacted] }`,
    );
    expect(plain(truncated)).toBe(
      `Key { name: "ddns", algorithm: 'hmac-sha256', truncatedBits: 128, secret: [redacted] }`,
    );
  });

  it('an RndcClient shows its server, key name and algorithm, and whether it is closed', async () => {
    const client = RndcClient.connect({ port: 9953, key });
    expect(plain(client)).toBe(
      "RndcClient { server: '127.0.0.1#9953', key: 'rndc-key (hmac-sha256)', closed: false }",
    );
    await client.close();
    expect(plain(client)).toBe(
      "RndcClient { server: '127.0.0.1#9953', key: 'rndc-key (hmac-sha256)', closed: true }",
    );
  });

  it('an RndcClient with an unusable key says so, without the secret', () => {
    const spec = RndcClient.connect({
      key: { name: 'bad', algorithm: 'hmac-sha256', secret: `${CANARY_SECRET}!` },
    });
    expect(plain(spec)).toBe(
      "RndcClient { server: '127.0.0.1#953', key: 'bad (invalid)', invalid: 'invalid-argument' }",
    );
    const cut = RndcClient.connect({ host: '::1', key: truncated });
    expect(plain(cut)).toBe(
      "RndcClient { server: '::1#953', key: 'ddns (hmac-sha256)', invalid: 'unsupported-algorithm' }",
    );
  });

  it('an UpdateClient shows its server and key', () => {
    const signed = new UpdateClient({ server: '127.0.0.1', port: 5353, key: truncated });
    const unsigned = new UpdateClient({ server: '127.0.0.1' });
    const bad = new UpdateClient({
      server: '127.0.0.1',
      key: { name: 'bad', algorithm: 'hmac-sha256', secret: `${CANARY_SECRET}!` },
    });
    try {
      expect(plain(signed)).toBe(
        "UpdateClient { server: '127.0.0.1#5353', key: 'ddns (hmac-sha256-128)' }",
      );
      expect(plain(unsigned)).toBe("UpdateClient { server: '127.0.0.1#53', key: 'unsigned' }");
      expect(plain(bad)).toBe("UpdateClient { server: '127.0.0.1#53', key: 'invalid' }");
    } finally {
      signed.close();
      unsigned.close();
      bad.close();
    }
  });
});

describe('results', () => {
  it('Ok(response) shows the response; Err(error) shows the readable error (also results ts-results-es made)', () => {
    const ok = plain(Ok({ ...response, result: 0, err: undefined }));
    expect(ok).toMatch(/^Ok\(\{\n {2}command: 'freeze dyn\.test',/);
    const err = plain(Err(timeout()));
    expect(err).toContain(
      "Err(RndcError [timeout]: 127.0.0.1#953: no reply to 'status' within 5000 ms\n  Likely causes:",
    );
    expect(err).not.toContain('_stack');
  });
});

describe('secrets', () => {
  it('no inspect output, at any depth, contains the key secret in any encoding', async () => {
    const client = RndcClient.connect({ port: 9953, key });
    const updates = new UpdateClient({ server: '127.0.0.1', key });
    const closed = await client.status();
    const values: unknown[] = [
      key,
      truncated,
      client,
      updates,
      closed,
      timeout(),
      Err(timeout()),
      { nested: { deeper: { key, client, updates } } },
      new Update('dyn.test').add('www 300 A 192.0.2.1'),
    ];
    await client.close();
    values.push(await client.status());
    try {
      for (const value of values) {
        for (const depth of [undefined, 0, 5, Number.POSITIVE_INFINITY]) {
          for (const showHidden of [false, true]) {
            const text = inspect(value, { depth, showHidden, colors: false, getters: true });
            expect(leakedForms(text), text.slice(0, 200)).toEqual([]);
          }
        }
        expect(leakedForms(JSON.stringify(value) ?? '')).toEqual([]);
        expect(leakedForms(String(value))).toEqual([]);
      }
    } finally {
      updates.close();
    }
  });
});
