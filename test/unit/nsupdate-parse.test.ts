// parseNsupdateScript: the command model, nsupdate's rules and messages, warnings. The
// differential twin with the real nsupdate is test/integration/nsupdate-syntax.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import { Name } from '../../src/update/names.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import {
  isNsupdateType,
  NSUPDATE_VERSIONS,
  type NsupdateAddCommand,
  type NsupdateDeleteCommand,
  NsupdateSyntaxError,
  type NsupdateYxrrsetPrereq,
  nsupdateNameProblem,
  parseNsupdateClass,
  parseNsupdateScript,
} from '../../src/update/nsupdate-parse.js';
import { parseRdata } from '../../src/update/rdata.js';
import { nsupdateOffline, nsupdateVersions } from '../helpers/nsupdate-offline.js';
import { expectNoSecret } from './keys-fixtures.js';

const SECRET = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=';

const parse = (text: string) => parseNsupdateScript(text, { file: 'upd.txt' });
const commandsOf = (text: string) => parse(text).unwrap().commands;
const errorOf = (text: string) => parse(text).unwrapErr();

describe('the command model', () => {
  it('parses a typical script', () => {
    const script = [
      'server ns1.example.com 5353',
      'local 192.0.2.53',
      'zone example.com',
      'ttl 3600',
      'prereq nxdomain new.example.com',
      'update add new.example.com A 192.0.2.10',
      'update add new.example.com 60 IN TXT "hello world"',
      'send',
      'answer',
      'quit',
    ].join('\n');
    expect(parse(script).unwrap()).toEqual({
      warnings: [],
      commands: [
        { kind: 'server', line: 1, host: 'ns1.example.com', port: 5353 },
        { kind: 'local', line: 2, address: '192.0.2.53', family: 4, port: undefined },
        { kind: 'zone', line: 3, zone: 'example.com' },
        { kind: 'ttl', line: 4, ttl: 3600 },
        {
          kind: 'prereq',
          condition: 'nxdomain',
          line: 5,
          record: 'new.example.com',
          owner: 'new.example.com',
          shorthand: false,
        },
        {
          kind: 'update',
          operation: 'add',
          line: 6,
          record: 'new.example.com A 192.0.2.10',
          owner: 'new.example.com',
          shorthand: false,
          ttl: 3600,
          ttlFromDefault: true,
          class: undefined,
          type: 'A',
          typeValue: 1,
          rdata: '192.0.2.10',
          rdataWire: Buffer.from([192, 0, 2, 10]),
          rdataClass: 1,
          checkNames: true,
        },
        {
          kind: 'update',
          operation: 'add',
          line: 7,
          record: 'new.example.com 60 IN TXT "hello world"',
          owner: 'new.example.com',
          shorthand: false,
          ttl: 60,
          ttlFromDefault: false,
          class: 'IN',
          type: 'TXT',
          typeValue: 16,
          rdata: '"hello world"',
          rdataWire: Buffer.from('\x0bhello world', 'latin1'),
          rdataClass: 1,
          checkNames: true,
        },
        { kind: 'send', line: 8, blankLine: false, pendingLines: [5, 6, 7], zoneClass: 1 },
        { kind: 'answer', line: 9 },
        { kind: 'quit', line: 10, discardedLines: [] },
      ],
    });
  });

  it('distinguishes the three delete forms and ignores a delete TTL', () => {
    const commands = commandsOf(
      [
        'update delete a.example.',
        'update delete b.example. 300',
        'update delete c.example. IN',
        'update delete d.example. 300 IN A',
        'update delete e.example. A 192.0.2.1',
        'update del f.example. 86400 IN A 192.0.2.2',
        'delete g.example. ANY',
        'del h.example. 300 IN',
      ].join('\n'),
    );
    expect(
      commands.map((c) =>
        c.kind === 'update' && c.operation === 'delete'
          ? [c.scope, c.owner, c.class, 'type' in c ? c.type : '-', 'rdata' in c ? c.rdata : '-']
          : c.kind,
      ),
    ).toEqual([
      ['name', 'a.example.', undefined, '-', '-'],
      ['name', 'b.example.', undefined, '-', '-'],
      ['name', 'c.example.', 'IN', '-', '-'],
      ['rrset', 'd.example.', 'IN', 'A', '-'],
      ['record', 'e.example.', undefined, 'A', '192.0.2.1'],
      ['record', 'f.example.', 'IN', 'A', '192.0.2.2'],
      ['rrset', 'g.example.', undefined, 'ANY', '-'],
      ['name', 'h.example.', 'IN', '-', '-'],
    ]);
  });

  it('parses every prereq form; nxrrset data is ignored with a warning', () => {
    const { commands, warnings } = parse(
      [
        'prereq nxdomain a.',
        'prereq yxdomain b.',
        'prereq nxrrset c. IN A 192.0.2.1',
        'prereq yxrrset d. MX',
        'prereq yxrrset e. IN TXT "x"',
      ].join('\n'),
    ).unwrap();
    expect(commands).toMatchObject([
      { condition: 'nxdomain', owner: 'a.' },
      { condition: 'yxdomain', owner: 'b.' },
      { condition: 'nxrrset', owner: 'c.', class: 'IN', type: 'A', rdataClass: 1 },
      { condition: 'yxrrset', owner: 'd.', class: undefined, type: 'MX', rdata: undefined },
      { condition: 'yxrrset', owner: 'e.', class: 'IN', type: 'TXT', rdata: '"x"', rdataClass: 1 },
    ]);
    expect(commands[2]).not.toHaveProperty('rdata');
    expect(warnings.map((w) => [w.kind, w.line])).toEqual([
      ['ignored-input', 3],
      ['unsent-at-eof', 5],
    ]);
  });

  it('accepts the undocumented shorthands and marks them', () => {
    const commands = commandsOf(
      'nxdomain a.\nyxdomain a.\nnxrrset a. A\nyxrrset a. A\nadd a. 1 A 192.0.2.1\ndelete a.\ndel a.\nupdate del a.\n',
    );
    expect(commands.map((c) => ('shorthand' in c ? c.shorthand : c.kind))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('reads keywords case-insensitively and keeps the text as written', () => {
    const [command] = commandsOf('UPDATE ADD Host.Example. 300 in a 192.0.2.1\n');
    expect(command).toMatchObject({ owner: 'Host.Example.', class: 'in', type: 'a' });
  });

  it('keeps the record text and the data verbatim after the type', () => {
    const [command] = commandsOf('update add  a.  300  TXT   "a  b"  c\\ \n');
    expect(command).toMatchObject({ record: 'a.  300  TXT   "a  b"  c\\', rdata: '"a  b"  c\\ ' });
  });

  it('parses the other commands', () => {
    expect(
      commandsOf(
        'class CHAOS\nttl none\ncheck-names off\nchecknames YES\nlocal ::1 5353\nshow\ndebug\nversion\nhelp\n',
      ),
    ).toEqual([
      { kind: 'class', line: 1, className: 'CHAOS', classValue: 3 },
      { kind: 'ttl', line: 2, ttl: undefined },
      { kind: 'check-names', line: 3, enabled: false },
      { kind: 'check-names', line: 4, enabled: true },
      { kind: 'local', line: 5, address: '::1', family: 6, port: 5353 },
      { kind: 'show', line: 6, zoneClass: 3 },
      { kind: 'debug', line: 7 },
      { kind: 'version', line: 8 },
      { kind: 'help', line: 9 },
    ]);
  });

  it("gives show the zone section's class: the batch's first class, else the default", () => {
    const shows = (script: string) =>
      commandsOf(script).flatMap((c) => (c.kind === 'show' ? [c.zoneClass] : []));
    // A class on a delete-name line (which has no record class) sets it too, as in nsupdate.
    expect(shows('zone example.\nupdate delete foo.example. CH\nshow\n')).toEqual([3]);
    expect(shows('class HS\nshow\nupdate add a.example. 1 IN A 192.0.2.1\nshow\n')).toEqual([4, 1]);
    expect(shows('zone example.\nshow\nclass CH\nshow\nsend\nshow\n')).toEqual([1, 1, 3]);
  });

  it('records the check-names setting on each add', () => {
    const commands = commandsOf(
      'check-names no\nadd a. 1 A 192.0.2.1\ncheck-names on\nadd b. 1 A 192.0.2.1\n',
    );
    expect(
      commands.flatMap((c) => (c.kind === 'update' && c.operation === 'add' ? [c.checkNames] : [])),
    ).toEqual([false, true]);
  });
});

describe('TTL rules of update add', () => {
  it('needs a TTL unless ttl set a default', () => {
    const error = errorOf('update add a. A 192.0.2.1\n');
    expect(error.nsupdateMessage).toBe("ttl 'A': not a valid number");
    expect(error.message).toBe("upd.txt:1: ttl 'A': not a valid number");
    expect(commandsOf('ttl 10\nupdate add a. A 192.0.2.1\n')[1]).toMatchObject({
      ttl: 10,
      ttlFromDefault: true,
    });
  });

  it('forgets the default after ttl none', () => {
    expect(errorOf('ttl 10\nttl none\nadd a. A 192.0.2.1\n').line).toBe(3);
  });

  it('bounds TTLs at 2147483647', () => {
    expect(commandsOf('add a. 2147483647 A 192.0.2.1\n')[0]).toMatchObject({ ttl: 2147483647 });
    expect(errorOf('add a. 2147483648 A 192.0.2.1\n').nsupdateMessage).toBe(
      "ttl '2147483648' is out of range (0 to 2147483647)",
    );
    expect(errorOf('add a. 4294967296 A 192.0.2.1\n').nsupdateMessage).toBe(
      "ttl '4294967296': out of range",
    );
    expect(errorOf('ttl 2147483648\n').nsupdateMessage).toBe(
      "ttl '2147483648' is out of range (0 to 2147483647)",
    );
  });

  it('reports a bad ttl command the way nsupdate does: just "syntax error"', () => {
    const error = errorOf('ttl 1h\n');
    expect(error.nsupdateMessage).toBeUndefined();
    expect(error.nsupdateStderr).toBe('syntax error\n');
    expect(error.message).toBe("upd.txt:1: ttl '1h': not a valid number");
  });
});

describe('classes', () => {
  it('refuses NONE, ANY and 0 as default class', () => {
    for (const name of ['NONE', 'any', 'CLASS0', 'reserved0', 'CLASS254', 'class255']) {
      expect(errorOf(`class ${name}\n`).nsupdateMessage).toBe(`bad default class: ${name}`);
    }
  });

  it('puts records in the default class, or the first class written in the batch', () => {
    const commands = commandsOf(
      'class HS\nadd a. 1 TXT x\nsend\nadd b. 1 CH TXT x\nadd c. 1 TXT x\nsend\nadd d. 1 TXT x\n',
    );
    expect(
      commands.map((c) =>
        'rdataClass' in c ? c.rdataClass : 'zoneClass' in c ? `zone ${c.zoneClass}` : c.kind,
      ),
    ).toEqual(['class', 4, 'zone 4', 3, 3, 'zone 3', 4]);
  });

  it('reports a class mismatch within a batch', () => {
    const error = errorOf('add a. 1 A 192.0.2.1\nadd b. 1 CH TXT x\n');
    expect([error.line, error.nsupdateMessage]).toEqual([2, 'class mismatch: CH']);
    // A delete with a class fixes the batch class too.
    expect(errorOf('delete a. CH\nprereq yxrrset b. IN A\n').nsupdateMessage).toBe(
      'class mismatch: IN',
    );
  });

  it('starts each batch with the default class again', () => {
    const commands = commandsOf('delete a. CH\nsend\n\nadd b. 1 TXT x\nsend\n');
    expect(
      commands.map((c) =>
        'rdataClass' in c ? c.rdataClass : 'zoneClass' in c ? c.zoneClass : c.kind,
      ),
    ).toEqual(['update', 3, 1, 1, 1]);
    expect(commands[2]).toMatchObject({ kind: 'send', blankLine: true, pendingLines: [] });
  });

  it('fixes the class at show when a zone is set (nsupdate renders the zone section)', () => {
    const commands = commandsOf('zone example.\nshow\nclass CH\nadd a. 1 TXT x\n');
    expect(commands[3]).toMatchObject({ rdataClass: 1 });
    expect(commandsOf('show\nclass CH\nadd a. 1 TXT x\n')[2]).toMatchObject({ rdataClass: 3 });
  });

  it('treats ANY as a type in updates, and as a class in prereqs', () => {
    expect(commandsOf('delete a. ANY\n')[0]).toMatchObject({
      scope: 'rrset',
      type: 'ANY',
      class: undefined,
    });
    expect(errorOf('prereq yxrrset a. ANY\n').nsupdateMessage).toBe('could not read type');
  });
});

describe('the key command', () => {
  it('defaults to hmac-md5 and takes the rest of the line as the secret', () => {
    const [command] = commandsOf(`key upd-key   ${SECRET.slice(0, 10)} ${SECRET.slice(10)}\n`);
    expect(command?.kind).toBe('key');
    if (command?.kind !== 'key') return;
    expect(command.key.name).toBe('upd-key');
    expect(command.key.algorithm).toBe('hmac-md5');
    expect(command.key.secretBytes().equals(Buffer.from(SECRET, 'base64'))).toBe(true);
    expect(command.key.location).toEqual({ file: 'upd.txt', line: 1 });
  });

  it('reads truncation as nsupdate does: rounded up to bytes, 0 and full length mean none', () => {
    const bits = (algorithm: string) => {
      const [command] = commandsOf(`key ${algorithm}:k ${SECRET}\n`);
      return command?.kind === 'key' ? [command.key.algorithm, command.key.truncatedBits] : [];
    };
    expect(bits('hmac-sha256-128')).toEqual(['hmac-sha256', 128]);
    expect(bits('HMAC-SHA256-129')).toEqual(['hmac-sha256', 136]);
    expect(bits('hmac-sha512-256')).toEqual(['hmac-sha512', 256]);
    expect(bits('hmac-sha256-0')).toEqual(['hmac-sha256', undefined]);
    expect(bits('hmac-sha1-160')).toEqual(['hmac-sha1', undefined]);
    expect(bits('hmac-md5-80')).toEqual(['hmac-md5', 80]);
  });

  it('reports nsupdate errors without ever showing the secret', () => {
    const error = errorOf(`key hmac-sha256:k ${SECRET.slice(1)}\n`);
    expect(error.nsupdateMessage).toBe('could not create key from [redacted]: bad base64 encoding');
    expectNoSecret(error, SECRET);
    expect(errorOf(`key hmac-sha3:k ${SECRET}\n`).nsupdateMessage).toBe(
      "unknown key type 'hmac-sha3'",
    );
    expect(errorOf(`key hmac-sha1-161:k ${SECRET}\n`).nsupdateMessage).toBe(
      'digest-bits out of range [0..160]',
    );
    expect(errorOf(`key hmac-sha256:k..x ${SECRET}\n`).nsupdateMessage).toBe(
      'could not parse key name',
    );
    expect(errorOf('key k\n').nsupdateMessage).toBe('could not read key secret');
  });

  it('accepts a tiny truncation as nsupdate does (named answers FORMERR(BADSIG)); refuses an empty secret', () => {
    const tiny = parse(`key hmac-sha256-8:k ${SECRET}\n`).unwrap().commands[0];
    expect(tiny?.kind === 'key' && [tiny.key.algorithm, tiny.key.truncatedBits]).toEqual([
      'hmac-sha256',
      8,
    ]);
    expect(errorOf('key hmac-sha256:k \t \n').kind).toBe('unsupported');
  });

  it('keeps the key out of JSON and inspect output of the script', () => {
    expectNoSecret(parse(`key hmac-sha256:k ${SECRET}\n`).unwrap(), SECRET);
  });
});

describe('unsupported commands', () => {
  it.each(['gsstsig', 'oldgsstsig', 'realm EXAMPLE.COM', 'REALM'])('%s', (line) => {
    const error = errorOf(`${line}\n`);
    expect(error).toBeInstanceOf(NsupdateSyntaxError);
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(
      /^upd\.txt:1: '(gsstsig|oldgsstsig|realm)' \(GSS-TSIG, Kerberos\) is not supported$/,
    );
    expect(error.remedy).toMatch(/TSIG key/);
  });

  it('refuses lines nsupdate would split (128 KiB buffer)', () => {
    const long = `update add a. 1 TXT ${'x'.repeat(131_100)}\n`;
    expect(errorOf(long)).toMatchObject({ kind: 'unsupported', line: 1 });
    expect(parse(`update add a. 1 TXT ${' '.repeat(130_990)}x\n`).isOk()).toBe(true);
  });

  it('refuses server in local-only mode, as nsupdate -l', () => {
    const error = parseNsupdateScript('server 127.0.0.1\n', { localOnly: true }).unwrapErr();
    expect(error.nsupdateStderr).toBe('cannot reset server in localhost-only mode\nsyntax error\n');
  });
});

describe('syntax errors', () => {
  it('carry file, line, nsupdate message and stderr, and exit status 1', () => {
    const error = errorOf('zone example.\n\nbogus stuff\n');
    expect(error).toBeInstanceOf(NsupdateSyntaxError);
    expect(error).toMatchObject({
      kind: 'syntax',
      file: 'upd.txt',
      line: 3,
      nsupdateMessage: 'incorrect section name: bogus',
      nsupdateStderr: 'incorrect section name: bogus\nsyntax error\n',
      exitCode: 1,
      message: 'upd.txt:3: incorrect section name: bogus',
    });
  });

  it('reproduce nsupdate printing "invalid address" without a newline', () => {
    expect(errorOf('local ns1\n').nsupdateStderr).toBe('invalid address ns1syntax error\n');
    expect(errorOf('local fe80::1%eth0\n').nsupdateMessage).toBe('invalid address fe80::1%eth0');
  });

  it('check ports like strtol', () => {
    expect(commandsOf('server a +53\n')[0]).toMatchObject({ port: 53 });
    expect(errorOf('server a -1\n').nsupdateMessage).toBe("port '-1' is out of range (1 to 65535)");
    expect(errorOf('server a 0x35\n').nsupdateMessage).toBe("port '0x35' is not numeric");
    expect(errorOf('local 127.0.0.1 65536\n').nsupdateMessage).toBe(
      "port '65536' is out of range (1 to 65535)",
    );
  });

  it('report owner names BIND refuses', () => {
    expect(errorOf('prereq nxdomain a..b\n').nsupdateMessage).toBe(
      'invalid owner name: empty label',
    );
    expect(errorOf('add .a 1 A 192.0.2.1\n').nsupdateMessage).toBe(
      'invalid owner name: empty label',
    );
    expect(errorOf('update add\n').nsupdateMessage).toBe('could not read owner name');
  });

  it('name a bad type differently in prereqs and updates, as nsupdate does', () => {
    expect(errorOf('prereq nxrrset a. BOGUS\n').nsupdateMessage).toBe('invalid type: BOGUS');
    expect(errorOf('add a. 1 BOGUS x\n').nsupdateMessage).toBe(
      "'BOGUS' is not a valid class or type: unknown class/type",
    );
    expect(errorOf('add a. 1 IN BOGUS x\n').nsupdateMessage).toBe(
      "'BOGUS' is not a valid type: unknown class/type",
    );
  });
});

describe('lines and comments', () => {
  it('treats a line whose first word starts with ; as a comment, and nothing else', () => {
    expect(parse('; note\n   ;note\n;\n').unwrap()).toEqual({ commands: [], warnings: [] });
    expect(errorOf('x; note\n').nsupdateMessage).toBe('incorrect section name: x;');
    expect(errorOf('# note\n').nsupdateMessage).toBe('incorrect section name: #');
  });

  it('sends on a line of blanks', () => {
    expect(commandsOf('add a. 1 A 192.0.2.1\n \t \n')[1]).toMatchObject({
      kind: 'send',
      blankLine: true,
      pendingLines: [1],
    });
  });

  it('reads a last line without newline, CRLF, and stops a line at CR or NUL', () => {
    const { commands, warnings } = parse(
      'zone a.\r\nsend\r\nadd b. 1 A 192.0.2.1\rjunk\nadd c. 1 A 192.0.2.1\0junk\nsend',
    ).unwrap();
    expect(commands.map((c) => [c.kind, c.line])).toEqual([
      ['zone', 1],
      ['send', 2],
      ['update', 3],
      ['update', 4],
      ['send', 5],
    ]);
    expect(commands[2]).toMatchObject({ rdata: '192.0.2.1' });
    expect(warnings.map((w) => [w.kind, w.line])).toEqual([
      ['ignored-input', 3],
      ['ignored-input', 4],
    ]);
  });

  it('parses an empty script to nothing', () => {
    expect(parse('').unwrap()).toEqual({ commands: [], warnings: [] });
  });
});

describe('warnings', () => {
  it('unsent-at-eof lists the dropped lines', () => {
    const { warnings } = parse(
      'add a. 1 A 192.0.2.1\nsend\nprereq nxdomain b.\nadd b. 1 A 192.0.2.1\nshow\n',
    ).unwrap();
    expect(warnings).toEqual([
      {
        kind: 'unsent-at-eof',
        line: 5,
        lines: [3, 4],
        message:
          "upd.txt:5: the script ends without 'send' or a blank line after lines 3, 4: nsupdate silently drops them (exit status 0)",
      },
    ]);
  });

  it('quit-discards, and the lines after quit are never read (even bad ones)', () => {
    const { commands, warnings } = parse(
      'add a. 1 A 192.0.2.1\nquit\nthis is not nsupdate\n',
    ).unwrap();
    expect(commands.at(-1)).toEqual({ kind: 'quit', line: 2, discardedLines: [1] });
    expect(warnings.map((w) => [w.kind, w.lines, w.message])).toEqual([
      [
        'quit-discards',
        [1],
        "upd.txt:2: quit discards the unsent prereq/update lines 1; add 'send' (or a blank line) before quit",
      ],
      [
        'ignored-input',
        [3],
        'upd.txt:3: nsupdate stops reading at quit (line 2); the rest of the script is ignored',
      ],
    ]);
  });

  it('ignored-input for words a command does not use', () => {
    const { warnings } = parse(
      'zone a. b.\nserver h 53 x\nsend now\nprereq yxdomain a. extra\n\n',
    ).unwrap();
    expect(warnings.map((w) => w.message)).toEqual([
      'upd.txt:1: nsupdate ignores "b." after the zone name',
      'upd.txt:2: nsupdate ignores "x" after the server port',
      'upd.txt:3: nsupdate ignores "now" after send',
      'upd.txt:4: nsupdate ignores "extra" after the owner of yxdomain',
    ]);
  });

  it('warns about ; and parentheses in data, unless quoted or escaped', () => {
    const kinds = (data: string) =>
      parse(`add a. 1 TXT ${data}\n\n`)
        .unwrap()
        .warnings.map((w) => w.kind);
    expect(kinds('hello ; comment')).toEqual(['semicolon-in-data']);
    expect(kinds('( "a" "b" )')).toEqual(['parenthesis-in-data']);
    expect(kinds('"a;b" "(c)"')).toEqual([]);
    expect(kinds('a\\;b')).toEqual([]);
    expect(kinds('"a\\" ;"')).toEqual([]);
  });
});

describe('helpers mirroring BIND', () => {
  it('nsupdateNameProblem', () => {
    const cases: Array<[string, string | undefined]> = [
      ['example.com', undefined],
      ['example.com.', undefined],
      ['.', undefined],
      ['@', undefined],
      ['a.@', undefined],
      ['*.a', undefined],
      ['a\\.b\\065', undefined],
      ['a\\x', undefined],
      ['a..b', 'empty label'],
      ['.a', 'empty label'],
      ['..', 'empty label'],
      [`${'a'.repeat(64)}.b`, 'label too long'],
      [`${'a'.repeat(63)}.b`, undefined],
      ['a\\256', 'bad escape'],
      ['a\\25b', 'bad escape'],
      ['a\\25', 'unexpected end of input'],
      ['a\\', 'unexpected end of input'],
      ['\\[x]', 'bad label type'],
      [`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61), undefined],
      [`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(62), 'ran out of space'],
      [`${'a'.repeat(63)}.`.repeat(4), 'ran out of space'],
    ];
    for (const [name, problem] of cases)
      expect([name, nsupdateNameProblem(name)]).toEqual([name, problem]);
  });

  it('parseNsupdateClass', () => {
    expect(
      ['IN', 'ch', 'CHAOS', 'hs', 'HESIOD', 'NONE', 'any', 'CLASS3', 'class+1', 'CLASS65535'].map(
        parseNsupdateClass,
      ),
    ).toEqual([1, 3, 3, 4, 4, 254, 255, 3, 1, 65535]);
    expect(
      ['', 'INET', 'CLASS', 'CLASS65536', 'CLASS-1', 'CLASS000001', '1'].map(parseNsupdateClass),
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('isNsupdateType', () => {
    for (const type of [
      'A',
      'aaaa',
      'NSAP-PTR',
      'https',
      'ANY',
      'axfr',
      'TYPE0',
      'type65535',
      'TYPE+1',
    ]) {
      expect([type, isNsupdateType(type)]).toEqual([type, true]);
    }
    for (const type of ['FOO', 'TYPE65536', 'TYPE', 'TYPE-1', 'IN', '']) {
      expect([type, isNsupdateType(type)]).toEqual([type, false]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Record data, classes and check-names as nsupdate reads them, against the real nsupdate of
// every installed version (issue 13: items 1, 2, 3, 5, 7; TXT \#; prereq type0). Each script
// stops before sending anything: nsupdate either refuses it (exit 1) or `show`s the message.

const A256 = 'a'.repeat(256);
const LONG_LABEL = 'l'.repeat(64);

/** [title, script, what nsupdate says (9.16–9.20 alike unless a version is named)]. */
const DATA_CASES: ReadonlyArray<
  readonly [string, string, { stderr: string } | { shows: string } | 'by-version' | 'accepted']
> = [
  // Item 5: every record's data is read before anything is sent.
  [
    'A 1.2.3',
    'update add x.example. 300 A 1.2.3\n',
    { stderr: 'invalid rdata format: bad dotted quad\nsyntax error\n' },
  ],
  [
    'A 01.2.3.4',
    'update add x.example. 300 A 01.2.3.4\n',
    { stderr: 'invalid rdata format: bad dotted quad\nsyntax error\n' },
  ],
  [
    'MX 65536 a.',
    'update add x.example. 300 MX 65536 a.\n',
    { stderr: 'invalid rdata format: out of range\nsyntax error\n' },
  ],
  [
    'MX abc a.',
    'update add x.example. 300 MX abc a.\n',
    { stderr: 'invalid rdata format: not a valid number\nsyntax error\n' },
  ],
  [
    'MX 10 (no exchange)',
    'update add x.example. 300 MX 10\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    'MX with an empty label',
    'update add x.example. 300 MX 10 a..b.\n',
    { stderr: 'invalid rdata format: empty label\nsyntax error\n' },
  ],
  [
    'MX with a 64-byte label',
    `update add x.example. 300 MX 10 ${LONG_LABEL}.\n`,
    { stderr: 'invalid rdata format: label too long\nsyntax error\n' },
  ],
  [
    'MX with a bad escape',
    'update add x.example. 300 MX 10 \\999.\n',
    { stderr: 'invalid rdata format: bad escape\nsyntax error\n' },
  ],
  [
    'AAAA 1::2::3',
    'update add x.example. 300 AAAA 1::2::3\n',
    { stderr: 'invalid rdata format: bad IPv6 address\nsyntax error\n' },
  ],
  [
    'A 1.2.3.4 5.6.7.8',
    'update add x.example. 300 A 1.2.3.4 5.6.7.8\n',
    { stderr: 'invalid rdata format: extra input text\nsyntax error\n' },
  ],
  [
    'an unterminated TXT',
    'update add x.example. 300 TXT "abc\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    'a 256-byte TXT string',
    `update add x.example. 300 TXT ${A256}\n`,
    { stderr: 'invalid rdata format: syntax error\nsyntax error\n' },
  ],
  [
    'delete of a record with extra data',
    'update delete x.example. A 1.2.3.4 extra\n',
    { stderr: 'invalid rdata format: extra input text\nsyntax error\n' },
  ],
  [
    'SRV missing its target',
    'update add _s._tcp.example. 300 SRV 1 2 3\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    '\\# with a short A',
    'update add x.example. 300 A \\# 3 010203\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    '\\# with an odd hex digit',
    'update add x.example. 300 A \\# 4 0102030\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    '\\# with a long A',
    'update add x.example. 300 A \\# 5 0102030405\n',
    { stderr: 'invalid rdata format: extra input data\nsyntax error\n' },
  ],
  [
    '\\# with bad hex',
    'update add x.example. 300 A \\# 1 zz\n',
    { stderr: 'invalid rdata format: bad hex encoding\nsyntax error\n' },
  ],
  [
    '\\# with no length',
    'update add x.example. 300 A \\# abc\n',
    { stderr: 'invalid rdata format: not a valid number\nsyntax error\n' },
  ],
  [
    '\\# with too much hex',
    'update add x.example. 300 A \\# 4 01020304 05\n',
    { stderr: 'invalid rdata format: extra input text\nsyntax error\n' },
  ],
  [
    '\\# over 65535 bytes',
    'update add x.example. 300 TYPE65280 \\# 70000 00\n',
    { stderr: 'invalid rdata format: out of range\nsyntax error\n' },
  ],
  [
    'type0 with data',
    'update add x.example. 300 type0 \\# 0\n',
    { stderr: 'invalid rdata format: invalid use of a meta type\nsyntax error\n' },
  ],
  [
    'ANY \\# 0 in an add',
    'update add x.example. 300 ANY \\# 0\n',
    { stderr: 'invalid rdata format: invalid use of a meta type\nsyntax error\n' },
  ],
  [
    'text data of an unknown type',
    'update add x.example. 300 TYPE65280 abc\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'text data of TYPE0 in a delete',
    'update delete x.example. TYPE0 abc\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'the bad data of a later batch stops the script',
    'update add a.example. 300 A 1.2.3.4\nupdate add b.example. 300 A 1.2.3\n',
    { stderr: 'invalid rdata format: bad dotted quad\nsyntax error\n' },
  ],
  [
    'NSEC3PARAM with 151 iterations',
    'update add x.example. 300 NSEC3PARAM \\# 5 0100009700\n',
    'by-version',
  ],
  [
    'NSEC3PARAM with 51 iterations',
    'update add x.example. 300 NSEC3PARAM \\# 5 0100003300\n',
    'by-version',
  ],
  [
    'NSEC3PARAM with 51 iterations in a delete (not checked)',
    'update delete x.example. NSEC3PARAM \\# 5 0100009700\n',
    'accepted',
  ],
  // Item 1: classes.
  [
    'class NONE on an add',
    'update add x.example. 300 NONE A 1.2.3.4\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'ANY on an add is the type',
    'update add x.example. 300 ANY A 1.2.3.4\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'ANY on a delete is the type',
    'update delete x.example. ANY A 1.2.3.4\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'class ANY with data on yxrrset',
    'prereq yxrrset x.example. ANY A 1.2.3.4\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'class ANY with generic-class data on yxrrset',
    'prereq yxrrset x.example. ANY TXT a\nshow\n',
    { shows: 'x.example.\t\t0\tANY\tTXT\t"a"' },
  ],
  [
    'class NONE on a TXT add',
    'update add x.example. 300 NONE TXT a\nshow\n',
    { shows: 'x.example.\t\t300\tNONE\tTXT\t"a"' },
  ],
  [
    'class NONE on a TXT delete',
    'update delete x.example. NONE TXT a\nshow\n',
    { shows: 'x.example.\t\t0\tNONE\tTXT\t"a"' },
  ],
  [
    'class NONE on nxrrset',
    'prereq nxrrset x.example. NONE A\nshow\n',
    { shows: 'x.example.\t\t0\tNONE\tA\t' },
  ],
  [
    'HS A',
    'update add x.example. 300 HS A 1.2.3.4\nshow\n',
    { shows: 'x.example.\t\t300\tHS\tA\t1.2.3.4' },
  ],
  [
    'CLASS3 is CH',
    'update add x.example. 300 CLASS3 TXT a\nshow\n',
    { shows: 'x.example.\t\t300\tCH\tTXT\t"a"' },
  ],
  [
    'CH AAAA has no format',
    'update add x.example. 300 CH AAAA ::1\n',
    { stderr: 'invalid rdata format: unknown class/type\nsyntax error\n' },
  ],
  [
    'CH MX',
    'update add x.example. 300 CH MX 1 a.\nshow\n',
    { shows: 'x.example.\t\t300\tCH\tMX\t1 a.' },
  ],
  [
    'a class mismatch',
    'update add a.example. 300 IN A 1.2.3.4\nupdate add b.example. 300 CH TXT x\n',
    { stderr: 'class mismatch: CH\nsyntax error\n' },
  ],
  // Item 2 and 7: nsupdate's line lexer.
  [
    'TXT a;b',
    'update add x.example. 300 TXT a;b\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"a;b"' },
  ],
  [
    'TXT ( a b )',
    'update add x.example. 300 TXT ( a b )\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"(" "a" "b" ")"' },
  ],
  [
    'TXT ( "a"',
    'update add x.example. 300 TXT ( "a"\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"(" "a"' },
  ],
  [
    'TXT "a"b',
    'update add x.example. 300 TXT "a"b\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"a" "b"' },
  ],
  [
    'TXT a"b c"',
    'update add x.example. 300 TXT a"b c"\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"a\\"b" "c\\""' },
  ],
  [
    'A 1.2.3.4 ; comment',
    'update add x.example. 300 A 1.2.3.4 ; comment\n',
    { stderr: 'invalid rdata format: extra input text\nsyntax error\n' },
  ],
  [
    'A 1.2.3.4)',
    'update add x.example. 300 A 1.2.3.4)\n',
    { stderr: 'invalid rdata format: bad dotted quad\nsyntax error\n' },
  ],
  [
    'TXT a\\<newline>b',
    'update add x.example. 300 TXT a\\\nb\nshow\n',
    { stderr: 'invalid rdata format: unexpected end of input\nsyntax error\n' },
  ],
  [
    'TXT \\#',
    'update add x.example. 300 TXT \\#\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"#"' },
  ],
  [
    'TXT \\# abc',
    'update add x.example. 300 TXT \\# abc\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t"#" "abc"' },
  ],
  [
    'TXT \\# 1 00',
    'update add x.example. 300 TXT \\# 1 00\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tTXT\t""' },
  ],
  [
    'prereq nxrrset type0',
    'prereq nxrrset x.example. type0\nshow\n',
    { shows: 'x.example.\t\t0\tNONE\tTYPE0\t' },
  ],
  // Item 3: check-names.
  [
    'owner _x (A)',
    'update add _x.example. 300 A 1.2.3.4\n',
    { stderr: "check-names failed: bad owner '_x.example'\nsyntax error\n" },
  ],
  [
    'owner -x (A)',
    'update add -x.example. 300 A 1.2.3.4\n',
    { stderr: "check-names failed: bad owner '-x.example'\nsyntax error\n" },
  ],
  [
    'owner x\\.y (A)',
    'update add x\\.y.example. 300 A 1.2.3.4\n',
    { stderr: "check-names failed: bad owner 'x\\.y.example'\nsyntax error\n" },
  ],
  [
    'owner _x (AAAA)',
    'update add _x.example. 300 AAAA ::1\n',
    { stderr: "check-names failed: bad owner '_x.example'\nsyntax error\n" },
  ],
  [
    'owner _x (MX)',
    'update add _x.example. 300 MX 1 a.example.\n',
    { stderr: "check-names failed: bad owner '_x.example'\nsyntax error\n" },
  ],
  [
    'MX _mx.',
    'update add x.example. 300 MX 1 _mx.example.\n',
    { stderr: "check-names failed: bad name '_mx.example'\nsyntax error\n" },
  ],
  [
    'NS _ns.',
    'update add x.example. 300 NS _ns.example.\n',
    { stderr: "check-names failed: bad name '_ns.example'\nsyntax error\n" },
  ],
  [
    'SRV target _t.',
    'update add _s._tcp.example. 300 SRV 1 2 3 _t.\n',
    { stderr: "check-names failed: bad name '_t'\nsyntax error\n" },
  ],
  [
    'SOA mname ns_',
    'update add example. 300 SOA ns_ host.example. 1 2 3 4 5\n',
    { stderr: "check-names failed: bad name 'ns_'\nsyntax error\n" },
  ],
  [
    'SOA rname a_b.c_d',
    'update add example. 300 SOA ns.example. a_b.c_d. 1 2 3 4 5\n',
    { stderr: "check-names failed: bad name 'a_b.c_d'\nsyntax error\n" },
  ],
  [
    'SOA rname a_b.example (a mailbox)',
    'update add example. 300 SOA ns.example. a_b.example. 1 2 3 4 5\nshow\n',
    { shows: 'example.\t\t300\tIN\tSOA\tns.example. a_b.example. 1 2 3 4 5' },
  ],
  [
    'PTR _y. under in-addr.arpa',
    'update add 1.2.0.192.in-addr.arpa. 300 PTR _y.\n',
    { stderr: "check-names failed: bad name '_y'\nsyntax error\n" },
  ],
  [
    'PTR _y. elsewhere',
    'update add x.example. 300 PTR _y.\nshow\n',
    { shows: 'x.example.\t\t300\tIN\tPTR\t_y.' },
  ],
  [
    'PTR _y. under DNS-SD in in-addr.arpa',
    'update add b._dns-sd._udp.0.2.192.in-addr.arpa. 300 PTR _y.\nshow\n',
    { shows: 'b._dns-sd._udp.0.2.192.in-addr.arpa. 300 IN PTR _y.' },
  ],
  [
    'wildcard owner',
    'update add *.example. 300 A 1.2.3.4\nshow\n',
    { shows: '*.example.\t\t300\tIN\tA\t1.2.3.4' },
  ],
  [
    'gc._msdcs owner',
    'update add gc._msdcs.example. 300 A 1.2.3.4\nshow\n',
    { shows: 'gc._msdcs.example.\t300\tIN\tA\t1.2.3.4' },
  ],
  [
    'SPF exists target owner',
    'update add x._spf.example. 300 A 1.2.3.4\nshow\n',
    { shows: 'x._spf.example.\t\t300\tIN\tA\t1.2.3.4' },
  ],
  [
    'TXT owner _x (not checked)',
    'update add _x.example. 300 TXT a\nshow\n',
    { shows: '_x.example.\t\t300\tIN\tTXT\t"a"' },
  ],
  [
    'check-names off',
    'check-names off\nupdate add _x.example. 300 A 1.2.3.4\nshow\n',
    { shows: '_x.example.\t\t300\tIN\tA\t1.2.3.4' },
  ],
  [
    'check-names no, then yes again',
    'check-names no\ncheck-names yes\nupdate add _x.example. 300 A 1.2.3.4\n',
    { stderr: "check-names failed: bad owner '_x.example'\nsyntax error\n" },
  ],
  [
    'deletes are not checked',
    'update delete _x.example. A 1.2.3.4\nshow\n',
    { shows: '_x.example.\t\t0\tNONE\tA\t1.2.3.4' },
  ],
  [
    'prerequisites are not checked',
    'prereq yxrrset _x.example. A 1.2.3.4\nshow\n',
    { shows: '_x.example.\t\t0\tIN\tA\t1.2.3.4' },
  ],
  [
    'NSEC3 owner not base32hex',
    'update add zz.example. 300 TYPE50 \\# 29 010000000014065368ABEED7EC6E9FEBA96B8C8BC3E8B791F716000140\n',
    { stderr: "check-names failed: bad owner 'zz.example'\nsyntax error\n" },
  ],
  ['RP mailbox a. (generic form)', 'update add x.example. 300 RP \\# 4 01610000\n', 'accepted'],
  [
    'RP mailbox a.b_c. (generic form)',
    'update add x.example. 300 RP \\# 8 016103625f630000\n',
    { stderr: "check-names failed: bad name 'a.b_c'\nsyntax error\n" },
  ],
  [
    'MB owner _x (a mailbox: generic form)',
    'update add _x.example. 300 MB \\# 3 016100\n',
    'accepted',
  ],
  [
    'MB owner x.a_b (generic form)',
    'update add x.a_b.example. 300 MB \\# 3 016100\n',
    { stderr: "check-names failed: bad owner 'x.a_b.example'\nsyntax error\n" },
  ],
  [
    'AFSDB host _h. (generic form)',
    'update add x.example. 300 AFSDB \\# 6 0001025f6800\n',
    { stderr: "check-names failed: bad name '_h'\nsyntax error\n" },
  ],
  [
    'NSEC3 owner in base32hex',
    'update add 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 TYPE50 \\# 29 010000000014065368ABEED7EC6E9FEBA96B8C8BC3E8B791F716000140\n',
    'accepted',
  ],
];

/** The version's nsupdate verdict: its stderr without log lines, or the record lines of `show`. */
async function ours(script: string, version: BindVersion) {
  const run = await runNsupdateScript(script, { bindVersion: version });
  if (run.isErr()) {
    return { exitCode: run.error.exitCode, stderr: run.error.nsupdateStderr, stdout: '' };
  }
  return { exitCode: run.value.exitCode, stderr: run.value.stderr, stdout: run.value.stdout };
}

/** The record lines of the sections `show` prints. */
const shownRecords = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(';') && !line.startsWith('Outgoing'));

describe.each(nsupdateVersions())('record data as nsupdate %s reads it', (version) => {
  it.each(DATA_CASES)('%s', async (_title, script, expected) => {
    const [theirs, mine] = await Promise.all([
      nsupdateOffline(version, script),
      ours(script, version),
    ]);
    expect(mine.exitCode ?? 0).toBe(theirs.exitCode);
    expect(mine.stderr ?? '').toBe(theirs.stderr);
    expect(mine.stdout).toBe(theirs.stdout);
    if (expected === 'by-version') return;
    if (expected === 'accepted') {
      expect(theirs).toMatchObject({ exitCode: 0, stderr: '', stdout: '' });
      return;
    }
    if ('stderr' in expected) {
      expect(theirs.stderr).toBe(expected.stderr);
      expect(theirs.exitCode).toBe(1);
    } else {
      expect(shownRecords(theirs.stdout).map((l) => l.replace(/\s+/g, ' '))).toEqual([
        expected.shows.replace(/\s+/g, ' '),
      ]);
    }
  });

  it('NSEC3PARAM iterations: the limit of this version (150 in 9.16/9.18, 50 in 9.20)', async () => {
    const limit = NSUPDATE_VERSIONS[version].nsec3paramIterations;
    expect(limit).toBe(version === '9.20' ? 50 : 150);
    const hex = (n: number) => `0100${n.toString(16).padStart(4, '0')}00`;
    for (const n of [limit, limit + 1]) {
      const script = `update add x.example. 300 NSEC3PARAM \\# 5 ${hex(n)}\n`;
      const [theirs, mine] = await Promise.all([
        nsupdateOffline(version, script),
        ours(script, version),
      ]);
      expect(theirs.exitCode).toBe(n > limit ? 1 : 0);
      expect(mine.exitCode ?? 0).toBe(theirs.exitCode);
      expect(mine.stderr ?? '').toBe(theirs.stderr);
    }
  });

  it('CH A: another RDATA format (a name and an octal address)', async () => {
    const script = 'class CH\nupdate add x.example. 300 A 1.2.3.4\n';
    const theirs = await nsupdateOffline(version, script);
    expect(theirs.stderr).toBe('invalid rdata format: unexpected end of input\nsyntax error\n');
    const run = await runNsupdateScript(script, { bindVersion: version });
    if (parseRdata(1, 'ns.example. 1', Name.root, 3).isOk()) {
      // With a CH A codec: the same refusal as nsupdate.
      expect(run.isErr() && run.error.nsupdateStderr).toBe(theirs.stderr);
    } else {
      // Until there is one, the library refuses to guess: never IN-style RDATA in class CH.
      expect(run.isErr() && run.error.kind).toBe('unsupported');
    }
  });
});

const CHECK_SVCB_SCRIPTS = [
  'update add _dns.x.example. 300 SVCB 1 . port=53\n',
  'update add _DNS.x.example. 300 SVCB 0 x.example.\n',
  'update add _dns.x.example. 300 SVCB 1 . alpn=h2\n',
  'update add _dns.x.example. 300 SVCB 1 . alpn=dot,http/1.1\n',
  'update add _dns.x.example. 300 SVCB 1 . alpn=h2 dohpath=/q{?dns}\n',
  'update add _dns.x.example. 300 SVCB 1 . alpn=dot,doq,h2x,H2\n',
  'update add _dns.x.example. 300 HTTPS 1 . port=53\n',
  'update add x._dns.example. 300 SVCB 1 . port=53\n',
  'update delete _dns.x.example. 300 SVCB 1 . port=53\n',
  'check-svcb no\nupdate add _dns.x.example. 300 SVCB 1 . alpn=h3\n',
  'checksvcb FALSE\nupdate add _dns.x.example. 300 SVCB 1 . port=53\n',
  'check-svcb off\ncheck-svcb yes\nupdate add _dns.x.example. 300 SVCB 1 . port=53\n',
  'check-svcb maybe\n',
  'check-svcb\n',
];

describe.each(nsupdateVersions())('check-svcb as nsupdate %s does it', (version) => {
  it.each(CHECK_SVCB_SCRIPTS)('%j', async (script) => {
    const [theirs, mine] = await Promise.all([
      nsupdateOffline(version, script),
      ours(script, version),
    ]);
    expect(mine.exitCode ?? 0).toBe(theirs.exitCode);
    expect(mine.stderr ?? '').toBe(theirs.stderr);
    expect(mine.stdout).toBe(theirs.stdout);
  });

  it('refuses a _dns SVCB without alpn only where the version checks (9.20)', async () => {
    const theirs = await nsupdateOffline(version, CHECK_SVCB_SCRIPTS[0]!);
    expect(theirs.stderr).toBe(
      NSUPDATE_VERSIONS[version].checkSvcb ? 'check-svcb failed: no ALPN\nsyntax error\n' : '',
    );
  });
});

describe('record data: what the library keeps', () => {
  it('keeps the wire data of each line and the class it was read in', () => {
    const [add] = commandsOf('update add x.example. 300 NONE TXT a;b\n') as [NsupdateAddCommand];
    const [del] = commandsOf('update delete x.example. TXT ( a )\n') as [NsupdateDeleteCommand];
    const [pre] = commandsOf('prereq yxrrset x.example. ANY TXT "q"\n') as [NsupdateYxrrsetPrereq];
    expect(add).toMatchObject({
      rdataClass: 254,
      typeValue: 16,
      rdataWire: Buffer.from('\x03a;b', 'latin1'),
    });
    expect(del).toMatchObject({
      scope: 'record',
      rdataWire: Buffer.from('\x01(\x01a\x01)', 'latin1'),
    });
    expect(pre).toMatchObject({ rdataClass: 255, rdataWire: Buffer.from('\x01q', 'latin1') });
  });

  it('knows the types of each version: DSYNC is unknown to 9.16', () => {
    expect(isNsupdateType('DSYNC', '9.16')).toBe(false);
    expect(isNsupdateType('DSYNC', '9.18')).toBe(true);
    const error = parseNsupdateScript('update add x. 300 DSYNC x\n', {
      bindVersion: '9.16',
    }).unwrapErr();
    expect(error.nsupdateMessage).toBe("'DSYNC' is not a valid class or type: unknown class/type");
  });

  it('a type BIND reads but this library only in the generic form is unsupported, not a syntax error', () => {
    const error = errorOf('update add x.example. 300 NULL abc\n');
    expect(error.kind).toBe('unsupported');
  });

  it('never throws on garbage record data', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('A', 'TXT', 'MX', 'SRV', 'CAA', 'TYPE65280', 'SOA'),
        (data, type) => {
          const result = parseNsupdateScript(
            `update add x.example. 300 ${type} ${data.replace(/[\n\r\0]/g, ' ')}\n`,
          );
          expect(result.isOk() || result.error instanceof NsupdateSyntaxError).toBe(true);
        },
      ),
    );
  });
});
