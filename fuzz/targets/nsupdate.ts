/** nsupdate: parseNsupdateScript over whole scripts (commands, records of many types, keys). */
import { UpdateError } from '../../src/update/errors.js';
import { encodeUpdate } from '../../src/update/message.js';
import { Name } from '../../src/update/names.js';
import {
  type NsupdateCommand,
  NsupdateSyntaxError,
  parseNsupdateScript,
} from '../../src/update/nsupdate-parse.js';
import { checkRdata, formatRdata, parseRdata, typeToText } from '../../src/update/rdata.js';
import { Update } from '../../src/update/update.js';
import { adversarialNsupdate } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import { ALGORITHMS, BASE64_SECRETS, HOSTS, mutateText, NUMBERS } from '../lib/text.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const TYPES = [
  'A',
  'AAAA',
  'TXT',
  'MX',
  'SRV',
  'CNAME',
  'NS',
  'PTR',
  'SOA',
  'CAA',
  'TLSA',
  'SSHFP',
  'DS',
  'DNSKEY',
  'HINFO',
  'NAPTR',
  'TYPE65534',
  'ANY',
  'HTTPS',
  'SVCB',
  'LOC',
  'URI',
  'DNAME',
  'RP',
  'NULL',
  'OPT',
  'TSIG',
  'WKS',
];
const CLASSES = ['IN', 'CH', 'HS', 'NONE', 'ANY', 'CLASS1', 'CLASS0', 'CLASS65536', 'in'];
const NAMES = [
  'www.example.test.',
  'www',
  '@',
  '.',
  '*.example.test',
  'a..b',
  'x\\.y',
  '\\065',
  '\\256',
  `${'a'.repeat(64)}.test`,
  `${'abc.'.repeat(70)}`,
  '-bad-',
  'ex ample',
];
const RDATA: Record<string, string[]> = {
  A: ['192.0.2.1', '1.2.3', '256.0.0.1', '::1', '01.2.3.4', '0.0.0.0', '1.2.3.4.5'],
  AAAA: [
    '::1',
    '2001:db8::1',
    '1::2::3',
    '192.0.2.1',
    '::ffff:1.2.3.4',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    ':::',
    'fe80::1%lo',
  ],
  TXT: [
    '"hello"',
    'hello world',
    `"${'x'.repeat(300)}"`,
    '"unterminated',
    '"a\\"b" c',
    '"\\999"',
    '"\\065\\066"',
    '""',
    'a\\ b',
    '"\\"',
  ],
  SPF: ['"v=spf1 -all"', 'v=spf1'],
  MX: ['10 mail', '65536 mail', 'mail', '0 .', '-1 mx', '10 mx ( )'],
  SRV: ['0 5 5060 sip', '1 2 3', '0 0 65536 x', '0 0 0 .'],
  SOA: [
    'ns hostmaster 1 2 3 4 5',
    'ns hostmaster ( 1 2 3 4 5 )',
    'ns hm 4294967296 1 1 1 1',
    'ns hm 1 1W 1D 1H 1M',
    'ns hm 1 2 3 4',
    'ns hm 1 2 3 4 5 6',
  ],
  CAA: [
    '0 issue "ca.example"',
    '128 tbs "x"',
    '0 "issue" x',
    '256 issue x',
    '0 issue ""',
    '0 IsSuE "x"',
    '0 a-b "x"',
    `0 ${'t'.repeat(300)} "x"`,
  ],
  TLSA: ['3 1 1 abcdef', '3 1 1 xyz', '3 1 1 ( ab cd )', '3 1 1 a', '256 1 1 ab', '3 1 1 -'],
  SSHFP: ['1 1 0123456789abcdef0123456789abcdef01234567', '1 1 xyz', '4 2 ab', '1 1'],
  DS: ['12345 13 2 0123456789abcdef', '65536 13 2 ab', '1 1 1 ( ab cd )', '1 1 1'],
  CDS: ['0 0 0 00', '12345 13 2 ab'],
  HINFO: ['"cpu" "os"', 'cpu', 'a b c', '"" ""'],
  NAPTR: ['100 10 "u" "E2U+sip" "!^.*$!sip:x@y!" .', '1 1 "" "" "" x', '1 1 "a" "b" "c"'],
  CNAME: ['target', 'target.example.test.', '@', '.', 'a..b', `${'a'.repeat(64)}`],
  NS: ['ns1', 'ns1.example.test.', '\\.', '*'],
  PTR: ['host.example.test.', '\\000.x'],
  DNAME: ['other.test.'],
  TYPE65534: ['\\# 0', '\\# 2 abcd', '\\# 3 ab', '\\# x', '\\# 1 ( ab )'],
};

export const DICTIONARY = [
  'server',
  'local',
  'zone',
  'class',
  'ttl',
  'key',
  'check-names',
  'prereq',
  'update',
  'add',
  'delete',
  'del',
  'send',
  'show',
  'answer',
  'debug',
  'quit',
  'gsstsig',
  'oldgsstsig',
  'realm',
  'nxdomain',
  'yxdomain',
  'nxrrset',
  'yxrrset',
  'on',
  'off',
  'yes',
  'no',
  'none',
  '\\#',
  '(',
  ')',
  ';',
  '"',
  '\n',
  '\r',
  '\t',
  '\0',
  ...TYPES,
  ...CLASSES,
  ...NAMES,
  ...NUMBERS,
  ...HOSTS.slice(0, 5),
  ...ALGORITHMS.slice(0, 8),
  ...BASE64_SECRETS.slice(0, 4),
];

function record(rng: Rng, withTtl: boolean): string {
  const type = rng.pick(TYPES);
  const data = RDATA[type]
    ? rng.pick(RDATA[type]!)
    : rng.chance(0.3)
      ? `\\# ${rng.int(5)} ${rng.bytes(rng.int(5)).toString('hex')}`
      : rng.text(20);
  const parts = [
    rng.chance(0.8)
      ? rng.pick(['www.example.test.', 'www', 'a.b.example.test.', '*.example.test.', 'x'])
      : rng.pick(NAMES),
  ];
  if (withTtl && rng.chance(0.95))
    parts.push(
      rng.chance(0.7) ? String(rng.int(86400)) : rng.pick([...NUMBERS, '1W2D', '1h', 'x']),
    );
  if (rng.chance(0.2)) parts.push(rng.pick(CLASSES));
  parts.push(type);
  if (rng.chance(0.9)) parts.push(data);
  return parts.join(' ');
}

function line(rng: Rng): string {
  switch (rng.int(16)) {
    case 0:
      return `server ${rng.pick(HOSTS)}${rng.chance(0.5) ? ` ${rng.pick(NUMBERS)}` : ''}`;
    case 1:
      return `local ${rng.pick(HOSTS)}${rng.chance(0.3) ? ` ${rng.pick(NUMBERS)}` : ''}`;
    case 2:
      return `zone ${rng.pick(NAMES)}`;
    case 3:
      return `class ${rng.pick(CLASSES)}`;
    case 4:
      return `ttl ${rng.pick([...NUMBERS, 'none', '1h'])}`;
    case 5:
      return `key ${rng.chance(0.6) ? `${rng.pick(ALGORITHMS)}:` : ''}${rng.pick(['upd-key', 'k', ''])} ${rng.pick(BASE64_SECRETS)}`;
    case 6:
      return `check-names ${rng.pick(['on', 'off', 'yes', 'maybe'])}`;
    case 7:
      return `prereq ${rng.pick(['nxdomain', 'yxdomain'])} ${rng.pick(NAMES)}`;
    case 8:
      return `prereq ${rng.pick(['nxrrset', 'yxrrset'])} ${record(rng, false)}`;
    case 9:
    case 10:
    case 11:
      return `${rng.pick(['update add', 'add', 'update delete', 'delete', 'del', 'update del'])} ${record(rng, true)}`;
    case 12:
      return rng.pick([
        'send',
        'show',
        'answer',
        'debug',
        'quit',
        '',
        '   ',
        '; comment',
        'gsstsig',
        'realm X',
      ]);
    case 13:
      return `${rng.pick(DICTIONARY)} ${rng.pick(DICTIONARY)} ${rng.pick(DICTIONARY)}`;
    default:
      return `update add ${rng.pick(NAMES)} ${rng.int(3600)} ${rng.pick(['A 192.0.2.1', 'TXT "x"', 'MX 10 mx'])}`;
  }
}

export function nsupdateScript(rng: Rng): string {
  const n = rng.range(1, 12);
  const lines = Array.from({ length: n }, () => line(rng));
  return lines.join(rng.chance(0.9) ? '\n' : '\r\n') + (rng.chance(0.8) ? '\n' : '');
}

/**
 * What runNsupdateScript does with one prereq/update line (nsupdate.ts buildUpdate): an Update
 * of that one record, encoded. Every RDATA that comes out must be valid wire data of its type,
 * and formatRdata's text of it must parse back to the same bytes.
 */
function checkCommand(command: NsupdateCommand): void {
  if (command.kind !== 'prereq' && command.kind !== 'update') return;
  const update = new Update('example.test', { origin: '.' });
  if (command.kind === 'prereq') {
    if (command.condition === 'nxdomain') update.absent(command.owner);
    else if (command.condition === 'yxdomain') update.present(command.owner);
    else if (command.condition === 'nxrrset') update.absent(command.owner, command.type);
    else if (command.rdata === undefined) update.present(command.owner, command.type);
    else update.present([{ name: command.owner, type: command.type, data: command.rdata }]);
  } else if (command.operation === 'add') {
    update.add({ name: command.owner, type: command.type, ttl: command.ttl, data: command.rdata });
  } else if (command.scope === 'name') update.deleteName(command.owner);
  else if (command.scope === 'rrset') {
    if (command.type.toUpperCase() === 'ANY') update.deleteName(command.owner);
    else update.deleteRRset(command.owner, command.type);
  } else update.deleteRecord({ name: command.owner, type: command.type, data: command.rdata });
  const message = update.toMessage(1);
  if (message.isErr()) {
    expectTyped(message.error, UpdateError, 'Update.toMessage');
    return;
  }
  update.toString();
  encodeUpdate(message.value);
  for (const record of [...message.value.prerequisites, ...message.value.updates]) {
    if (record.rdata.length === 0) continue;
    const rdclass = record.class === 254 || record.class === 255 ? 1 : record.class;
    const what = `${typeToText(record.type)} RDATA ${record.rdata.toString('hex')} from ${JSON.stringify('rdata' in command ? command.rdata : '')}`;
    const valid = checkRdata(record.type, record.rdata, rdclass);
    if (valid.isErr())
      throw new ContractViolation(`parsed ${what} fails checkRdata: ${valid.error.message}`);
    const text = formatRdata(record.type, record.rdata, undefined, rdclass);
    const back = parseRdata(record.type, text, Name.root, rdclass);
    if (back.isErr() || !back.value.equals(record.rdata)) {
      throw new ContractViolation(
        `formatRdata of ${what} gives ${JSON.stringify(text)}, which does not parse back`,
      );
    }
  }
}

export const nsupdate: FuzzTarget = {
  name: 'nsupdate',
  weight: 10,
  // Every line becomes an Update that is checked and rendered: slow per byte, but linear.
  budgetScale: 8,
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      (r) => Buffer.from(nsupdateScript(r)),
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      512,
      adversarialNsupdate,
    );
  },
  run(input): Outcome {
    const text = input.toString('utf8');
    const localOnly = input.length % 5 === 0;
    const parsed = parseNsupdateScript(text, { file: 'fuzz.nsu', localOnly });
    // Each record line on its own too, so one bad line does not hide the others' RDATA.
    for (const line of text.split('\n').slice(0, 64)) {
      if (!/^\s*(update|prereq|add|del)/i.test(line)) continue;
      const alone = parseNsupdateScript(line, { file: 'line.nsu' });
      if (alone.isOk()) for (const command of alone.value.commands) checkCommand(command);
      else expectTyped(alone.error, NsupdateSyntaxError, 'parseNsupdateScript');
    }
    if (parsed.isOk()) {
      for (const command of parsed.value.commands) checkCommand(command);
      return 'ok';
    }
    expectTyped(parsed.error, NsupdateSyntaxError, 'parseNsupdateScript');
    return 'err';
  },
};
