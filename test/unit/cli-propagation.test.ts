// `rndc-js propagation` argument handling, in-process (nothing is sent for a usage error):
// server syntax, bad serial text, option combinations, and the exit status 1 with the message.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { parseServer } from '../../src/cli/server-spec.js';
import { fakeIo } from '../helpers/cli-io.js';

describe('parseServer', () => {
  it('reads HOST, HOST:PORT, [V6]:PORT and bare IPv6', () => {
    expect(parseServer('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseServer('ns1.example.com:53')).toEqual({ host: 'ns1.example.com', port: 53 });
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseServer('[::1]')).toEqual({ host: '::1', port: 53 });
    expect(parseServer('::1')).toEqual({ host: '::1', port: 53 });
    for (const bad of [
      '',
      ':53',
      '127.0.0.1:0',
      '127.0.0.1:65536',
      '127.0.0.1:x',
      '[foo]:53',
      'a b:53',
    ])
      expect(parseServer(bad), bad).toBeUndefined();
  });
});

describe('usage errors (exit 1, nothing sent)', () => {
  const cases: Array<[string[], string]> = [
    [['propagation'], 'propagation needs a zone'],
    [['propagation', 'prop.test'], 'at least one --server'],
    [['propagation', 'prop.test', '--server'], "'--server' needs a value"],
    [['propagation', 'prop.test', '--server', '127.0.0.1:99999'], "--server '127.0.0.1:99999'"],
    [
      ['propagation', 'prop.test', '--server', '127.0.0.1', '--serial', '2024x'],
      "--serial '2024x' is not a serial",
    ],
    [
      ['propagation', 'prop.test', '--server', '127.0.0.1', '--serial', '4294967296'],
      'is not a serial',
    ],
    [['propagation', 'prop.test', '--server', '127.0.0.1', '--wait', 'soon'], "--wait 'soon'"],
    [
      ['propagation', 'prop.test', '--server', '127.0.0.1', '--wait', '5', '--quorum', '2'],
      'from 1 to 1',
    ],
    [
      ['propagation', 'prop.test', '--server', '127.0.0.1', '--quorum', '1'],
      '--quorum goes with --wait',
    ],
    [['propagation', 'prop.test', '--server', '127.0.0.1', '-k', 'a', '-y', 'b'], 'both -k and -y'],
    [['propagation', 'prop.test', 'extra', '--server', '127.0.0.1'], "unexpected argument 'extra'"],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const io = fakeIo();
    expect(await runCli(argv, io)).toBe(1);
    expect(io.err()).toContain(message);
    expect(io.out()).toBe('');
  });
});
