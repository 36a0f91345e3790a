// `rndc-js update` in-process: argument parsing, nsupdate's -t/-u/-r arithmetic, and the command's
// error paths that need no server.

import { describe, expect, it } from 'vitest';
import { parseUpdateArgs, updateCommand, updateTiming } from '../../src/cli/update.js';
import { fakeIo } from '../helpers/cli-io.js';

describe('parseUpdateArgs', () => {
  it('reads nsupdate flags, clustered and with attached values', () => {
    const args = parseUpdateArgs(['-dv', '-p5353', '-t', '10', '-u', '0', '-r', '1', 'script']);
    expect(args.unwrap()).toMatchObject({
      debug: 1,
      tcp: true,
      port: 5353,
      timeoutSeconds: 10,
      udpTimeoutSeconds: 0,
      udpRetries: 1,
      file: 'script',
      json: false,
    });
  });

  it('defaults as nsupdate: -t 300, -u 3, -r 3, stdin', () => {
    expect(parseUpdateArgs([]).unwrap()).toMatchObject({
      timeoutSeconds: 300,
      udpTimeoutSeconds: 3,
      udpRetries: 3,
      file: undefined,
      port: undefined,
      debug: 0,
    });
    expect(parseUpdateArgs(['-']).unwrap().file).toBeUndefined();
    expect(parseUpdateArgs(['-D', '--json']).unwrap()).toMatchObject({ debug: 2, json: true });
  });

  it.each([
    [['-k', 'a', '-y', 'b:c'], 'cannot specify both -k and -y'],
    [['-p', '70000'], "bad port number '70000'"],
    [['-p', '0'], "bad port number '0'"],
    [['-t', 'abc'], "bad timeout 'abc'"],
    [['-u', '-1'], "bad udp timeout '-1'"],
    [['-r', 'x'], "bad udp retries 'x'"],
    [['-l', '-y', 'a:b'], 'cannot combine -l with -y'],
    [['a', 'b'], 'only one script file'],
    [['-Z'], "unknown option '-Z'"],
  ])('%j is a usage error', (argv, message) => {
    const error = parseUpdateArgs(argv).unwrapErr();
    expect(error.kind).toBe('usage');
    expect(error.message).toContain(message);
  });

  it.each([['-g'], ['-o'], ['-i'], ['-P'], ['-T'], ['-C', '/etc/resolv.conf']])(
    '%s is refused as unsupported',
    (...argv) => {
      expect(parseUpdateArgs(argv).unwrapErr().kind).toBe('unsupported');
    },
  );
});

describe('updateTiming', () => {
  it('maps -t/-u/-r to the client options as nsupdate(1) describes', () => {
    expect(updateTiming({ timeoutSeconds: 300, udpTimeoutSeconds: 3, udpRetries: 3 })).toEqual({
      timeoutMs: 300_000,
      retryIntervalMs: 3000,
      tries: 4,
    });
    // -u 0: interval = timeout / (retries + 1), at least 1 s.
    expect(updateTiming({ timeoutSeconds: 12, udpTimeoutSeconds: 0, udpRetries: 2 })).toEqual({
      timeoutMs: 12_000,
      retryIntervalMs: 4000,
      tries: 3,
    });
    expect(updateTiming({ timeoutSeconds: 1, udpTimeoutSeconds: 0, udpRetries: 5 })).toMatchObject({
      retryIntervalMs: 1000,
    });
    // -t 0: no limit (TCP); with -u 0 the UDP interval is 1 s.
    expect(updateTiming({ timeoutSeconds: 0, udpTimeoutSeconds: 0, udpRetries: 3 })).toEqual({
      timeoutMs: 2 ** 31 - 1,
      retryIntervalMs: 1000,
      tries: 4,
    });
  });
});

// The show/answer layout is the library's now: test/unit/nsupdate-render.test.ts.

describe('updateCommand without a server', () => {
  it('a syntax error: nsupdate text, our note, exit 1', async () => {
    const io = fakeIo({ stdin: 'update add x.a.test. 300 A 192.0.2.1\nsend\nupdate bogus\n' });
    expect(await updateCommand([], io)).toBe(1);
    expect(io.err()).toBe(
      'incorrect operation code: bogus\nsyntax error\nrndc-js: note: line 3: nothing was sent (rndc-js checks the whole script before sending anything)\n',
    );
    expect(io.out()).toBe('');
  });

  it('a usage error: one line and a hint, exit 1', async () => {
    const io = fakeIo();
    expect(await updateCommand(['-t'], io)).toBe(1);
    expect(io.err().split('\n')[0]).toMatch(/^rndc-js: update: option '-t'|^rndc-js: update: /);
    expect(io.err()).toContain("Try 'rndc-js update --help'");
  });

  it('a bad -y never repeats the string', async () => {
    const io = fakeIo({ stdin: 'send\n' });
    const secret = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0!';
    expect(await updateCommand(['-y', `hmac-sha256:k:${secret}`], io)).toBe(1);
    expect(io.err()).toContain('-y:');
    expect(io.err()).not.toContain('c2VjcmV0');
  });

  it('a script that only shows needs no server and prints nsupdate text', async () => {
    const io = fakeIo({ stdin: 'zone a.test\nupdate add x.a.test. 300 A 192.0.2.1\nshow\n' });
    expect(await updateCommand([], io)).toBe(0);
    expect(io.out()).toContain(';; UPDATE SECTION:\nx.a.test.\t\t300\tIN\tA\t192.0.2.1\n');
    expect(io.err()).toMatch(/^rndc-js: warning: stdin:3: the script ends without 'send'/);
  });
});
