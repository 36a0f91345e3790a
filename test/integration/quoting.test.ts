// quoteArgument and allowedOnReadOnlyChannel against the real thing: BIND's own `rndc` tool
// sends our text to a throwaway named (the run's BIND version) and named tells us what its lexer
// read.
//
// `zonestatus <zone> IN <view>` answers `no matching view '<view>'` with the view token
// copied verbatim (server.c zone_from_args), so the error text shows exactly the token named
// read back. This suite deliberately sends through the rndc binary, not our client, so
// it proves the quoting rules independently of this library's client (startNamed only runs named).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowedOnReadOnlyChannel,
  formatCommand,
  quoteArgument,
} from '../../src/control/commands.js';
import { type NamedInstance, runRndcBinary, startNamed } from '../../src/testing/index.js';

let named: NamedInstance;

/** Sends one command line (as a single argv word: rndc sends it unchanged). */
async function rndc(port: 'read-write' | 'read-only', line: string) {
  const reply = await runRndcBinary(named, [line], {
    ...(port === 'read-only' ? { port: named.readOnlyControlPort! } : {}),
  });
  return { code: reply.exitCode, stdout: reply.stdout, stderr: reply.stderr };
}

beforeAll(async () => {
  named = await startNamed({ readOnlyControl: true });
});

afterAll(async () => {
  await named?.stop();
});

describe('quoteArgument round trip through named', () => {
  const awkward = [
    'plain',
    'view with a space',
    '',
    '  leading and trailing  ',
    'a"b',
    'x "y" z',
    '"starts with a quote',
    'a\\b',
    'a\\\\b',
    'trail\\\\',
    '\\\\" even run before a quote',
    'a\\"b', // odd run before a quote: sent bare
    'trail\\', // odd run at the end: sent bare
    'a;b{c}',
    '#hash // slashes /* c */',
    "it's",
    'tab\there',
    'ütf8 ✓ 名前',
    '\x01control\x7f',
    '0/25.2.0.192.in-addr.arpa',
  ];

  it.each(awkward)('%j', async (view) => {
    const line = formatCommand('zonestatus', ['static.test', 'IN', view]);
    const reply = await rndc('read-write', line);
    expect(reply.code).toBe(1);
    // rndc names the command by its first argv word, which here is the whole line.
    expect(reply.stderr).toBe(`rndc: '${line}' failed: not found\nno matching view '${view}'\n`);
  });

  it('a quoted zone name reaches named as one token', async () => {
    const line = formatCommand('zonestatus', ['no such zone']);
    expect(line).toBe('zonestatus "no such zone"');
    const reply = await rndc('read-write', line);
    expect(reply.stderr).toContain("no matching zone 'no such zone' in any view");
  });

  it('doubling backslashes would be wrong: named keeps them', async () => {
    const reply = await rndc('read-write', 'zonestatus static.test IN "a\\\\b"');
    expect(reply.stderr).toContain("no matching view 'a\\\\b'");
    expect(quoteArgument('a\\b')).toBe('"a\\b"');
  });
});

describe('allowedOnReadOnlyChannel matches a read-only listener', () => {
  const lines = [
    'null',
    'status',
    'STATUS',
    'testgen 5',
    'zonestatus static.test',
    'showzone static.test',
    'nta -dump',
    'nta -',
    'nta -D',
    'nta -force -lifetime 1h -class IN -dump',
    'nta --dump',
    'nta -lifetime 8d -dump',
    'nta -- -dump',
    'nta -remove foo.test',
    'nta foo.test',
    'nta',
    'reload',
    'sync',
    'freeze static.test',
    'tsig-list',
    'secroots -',
    'frobnicate',
  ];

  it.each(lines)('%j', async (line) => {
    const reply = await rndc('read-only', line);
    expect(reply.code === 0, reply.stderr).toBe(allowedOnReadOnlyChannel(line));
  });
});
