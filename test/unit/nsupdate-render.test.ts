// nsupdate's `show` and `answer` text as runNsupdateScript renders it. The expected strings are
// what nsupdate 9.18 prints for the same scripts (captured from the binary; the integration twin
// test compares against the binary itself).
import { describe, expect, it } from 'vitest';
import type { UpdateReplyHeader } from '../../src/update/errors.js';
import { CLASS_ANY, CLASS_IN, CLASS_NONE, type WireRecord } from '../../src/update/message.js';
import { Name, parseName } from '../../src/update/names.js';
import {
  nsupdateAnswerText,
  nsupdateRecordLine,
  nsupdateShowText,
  runNsupdateScript,
} from '../../src/update/nsupdate.js';

const HEADER =
  'Outgoing update query:\n' +
  ';; ->>HEADER<<- opcode: UPDATE, status: NOERROR, id:      0\n' +
  ';; flags:; ZONE: 0, PREREQ: 0, UPDATE: 0, ADDITIONAL: 0\n';

const name = (text: string) => parseName(text, Name.root).unwrap();

function record(
  owner: string,
  ttl: number,
  rdclass: number,
  type: number,
  rdata: number[] = [],
): WireRecord {
  return { name: name(owner), ttl, class: rdclass, type, rdata: Buffer.from(rdata) };
}

async function show(script: string): Promise<string> {
  const result = (await runNsupdateScript(script)).unwrap();
  expect(result.sends).toEqual([]);
  return result.stdout;
}

describe('nsupdateRecordLine: BIND debug-style columns (ttl 24, class 32, type 40, data 48)', () => {
  it('tabs to the columns', () => {
    expect(nsupdateRecordLine(record('a.example.', 300, CLASS_IN, 1, [1, 2, 3, 4]), 'update')).toBe(
      'a.example.\t\t300\tIN\tA\t1.2.3.4',
    );
  });

  it('one space (or a tab to the next stop) once a field runs past its column', () => {
    expect(
      nsupdateRecordLine(
        record('abcdefghijklmnopqrstuvw.', 86400, CLASS_IN, 16, [1, 120]),
        'update',
      ),
    ).toBe('abcdefghijklmnopqrstuvw. 86400\tIN\tTXT\t"x"');
    expect(
      nsupdateRecordLine(
        record('hijklmnopqrstuvwxyz123456789012345.', 1234567, CLASS_IN, 16, [1, 120]),
        'update',
      ),
    ).toBe('hijklmnopqrstuvwxyz123456789012345. 1234567 IN TXT "x"');
    expect(
      nsupdateRecordLine(
        record('verylongname-abcdefghijkl.example.', 0, CLASS_NONE, 16, [1, 120]),
        'update',
      ),
    ).toBe('verylongname-abcdefghijkl.example. 0 NONE TXT\t"x"');
  });

  it('meta-records have no data but still reach the data column; other empty data is \\# 0', () => {
    expect(nsupdateRecordLine(record('a.example.', 0, CLASS_ANY, 1), 'update')).toBe(
      'a.example.\t\t0\tANY\tA\t',
    );
    expect(nsupdateRecordLine(record('c.example.', 0, CLASS_NONE, 255), 'prerequisite')).toBe(
      'c.example.\t\t0\tNONE\tANY\t',
    );
    expect(nsupdateRecordLine(record('a.example.', 0, CLASS_NONE, 65281), 'update')).toBe(
      'a.example.\t\t0\tNONE\tTYPE65281 \\# 0',
    );
    expect(nsupdateRecordLine(record('a.example.', 300, CLASS_IN, 65281), 'update')).toBe(
      'a.example.\t\t300\tIN\tTYPE65281 \\# 0',
    );
  });

  it('data of a record deleted with class NONE is read in the zone class', () => {
    expect(nsupdateRecordLine(record('a.example.', 0, CLASS_NONE, 1, [1, 2, 3, 4]), 'update')).toBe(
      'a.example.\t\t0\tNONE\tA\t1.2.3.4',
    );
  });

  it('splits long hex in words of 56 digits', () => {
    const bytes = Array.from({ length: 64 }, (_, i) => i);
    const hex = Buffer.from(bytes).toString('hex').toUpperCase();
    const words = `${hex.slice(0, 56)} ${hex.slice(56, 112)} ${hex.slice(112)}`;
    expect(nsupdateRecordLine(record('g.example.', 300, CLASS_IN, 65280, bytes), 'update')).toBe(
      `g.example.\t\t300\tIN\tTYPE65280 \\# 64 ${words}`,
    );
    // SSHFP SHA-256: a 32-byte fingerprint, 64 digits.
    const fingerprint = bytes.slice(0, 32);
    const digits = hex.slice(0, 64);
    expect(
      nsupdateRecordLine(record('s.example.', 300, CLASS_IN, 44, [4, 2, ...fingerprint]), 'update'),
    ).toBe(`s.example.\t\t300\tIN\tSSHFP\t4 2 ${digits.slice(0, 56)} ${digits.slice(56)}`);
  });
});

describe('nsupdateShowText', () => {
  it('header only before a zone is set and with nothing pending', () => {
    expect(nsupdateShowText(undefined, [], [])).toBe(HEADER);
  });

  it('the zone line does not count its ";" for the columns', () => {
    const text = nsupdateShowText(
      { name: name('abcdefghijklmnopqrstuvwxyz1234.'), class: CLASS_IN },
      [],
      [],
    );
    expect(text).toBe(`${HEADER};; ZONE SECTION:\n;abcdefghijklmnopqrstuvwxyz1234.\tIN\tSOA\n\n`);
    expect(nsupdateShowText({ name: name('example.'), class: 3 }, [], [])).toBe(
      `${HEADER};; ZONE SECTION:\n;example.\t\t\tCH\tSOA\n\n`,
    );
  });
});

describe('nsupdateAnswerText', () => {
  const reply: UpdateReplyHeader = {
    id: 8143,
    opcode: 5,
    rcode: 6,
    flags: 0x8000 | (5 << 11) | 6,
    counts: [1, 0, 0, 1],
    zone: { name: 'ex.test.', class: CLASS_IN, type: 6 },
  };

  it("nsupdate's answer without the TSIG pseudosection", () => {
    expect(nsupdateAnswerText(reply)).toBe(
      'Answer:\n' +
        ';; ->>HEADER<<- opcode: UPDATE, status: YXDOMAIN, id:   8143\n' +
        ';; flags: qr; ZONE: 1, PREREQ: 0, UPDATE: 0, ADDITIONAL: 1\n' +
        ';; ZONE SECTION:\n;ex.test.\t\t\tIN\tSOA\n\n',
    );
  });

  it('flags in BIND order; no zone section when the reply has none', () => {
    const text = nsupdateAnswerText({
      id: 7,
      opcode: 5,
      rcode: 1,
      flags: 0x8000 | 0x0400 | 0x0080 | 0x0010,
      counts: [0, 0, 0, 0],
    });
    expect(text).toBe(
      'Answer:\n' +
        ';; ->>HEADER<<- opcode: UPDATE, status: FORMERR, id:      7\n' +
        ';; flags: qr aa ra cd; ZONE: 0, PREREQ: 0, UPDATE: 0, ADDITIONAL: 0\n',
    );
  });
});

describe("runNsupdateScript's show is nsupdate's", () => {
  it('no zone section before a zone command, then the zone and pending records', async () => {
    expect(
      await show('show\nupdate add a.example. 300 A 1.2.3.4\nshow\nzone example\nshow\n'),
    ).toBe(
      HEADER +
        HEADER +
        ';; UPDATE SECTION:\na.example.\t\t300\tIN\tA\t1.2.3.4\n\n' +
        HEADER +
        ';; ZONE SECTION:\n;example.\t\t\tIN\tSOA\n\n' +
        ';; UPDATE SECTION:\na.example.\t\t300\tIN\tA\t1.2.3.4\n\n',
    );
  });

  it('every empty-data form and a long owner', async () => {
    const script = [
      'zone example',
      'update add a.example. 300 A 1.2.3.4',
      'update delete a.example. A',
      'update delete b.example.',
      'update delete verylongname-abcdefghijkl.example. 86400 IN TXT "x"',
      'prereq nxdomain c.example.',
      'prereq yxrrset d.example. A',
      'prereq yxrrset d.example. A 1.2.3.4',
      'update add e.example. 2147483647 MX 10 mail.example.',
      'show',
      '',
    ].join('\n');
    expect(await show(script)).toBe(
      `${HEADER};; ZONE SECTION:\n;example.\t\t\tIN\tSOA\n\n` +
        ';; PREREQUISITE SECTION:\n' +
        'c.example.\t\t0\tNONE\tANY\t\n' +
        'd.example.\t\t0\tANY\tA\t\n' +
        'd.example.\t\t0\tIN\tA\t1.2.3.4\n\n' +
        ';; UPDATE SECTION:\n' +
        'a.example.\t\t300\tIN\tA\t1.2.3.4\n' +
        'a.example.\t\t0\tANY\tA\t\n' +
        'b.example.\t\t0\tANY\tANY\t\n' +
        'verylongname-abcdefghijkl.example. 0 NONE TXT\t"x"\n' +
        'e.example.\t\t2147483647 IN\tMX\t10 mail.example.\n\n',
    );
  });

  it("the zone section's class: the first record's, else the class command's", async () => {
    expect(await show('class CH\nzone example\nshow\n')).toBe(
      `${HEADER};; ZONE SECTION:\n;example.\t\t\tCH\tSOA\n\n`,
    );
    expect(await show('update add a.example. 300 CH TXT "a"\nzone example\nshow\n')).toBe(
      `${HEADER};; ZONE SECTION:\n;example.\t\t\tCH\tSOA\n\n` +
        ';; UPDATE SECTION:\na.example.\t\t300\tCH\tTXT\t"a"\n\n',
    );
  });

  it('answer before any send prints nothing', async () => {
    expect(await show('answer\n')).toBe('');
  });
});

describe("answer's TSIG pseudosection (as nsupdate 9.16-9.20 print it)", () => {
  const reply = (tsig: UpdateReplyHeader['tsig']): UpdateReplyHeader => ({
    id: 4598,
    opcode: 5,
    rcode: 0,
    flags: 0xa800,
    counts: [1, 0, 0, 1],
    zone: { name: 'a.test.', class: CLASS_IN, type: 6 },
    ...(tsig ? { tsig } : {}),
  });
  const base = {
    keyName: 'rndc-sha256.',
    algorithm: 'hmac-sha256.',
    timeSigned: 1796297573,
    fudge: 300,
    originalId: 4598,
    error: 0,
    otherData: Buffer.alloc(0),
  };

  it('a 32-byte MAC on one line; other size 0 ends in "0 "', () => {
    const mac = Buffer.from('mp58Vw1nQ1JdVXz6e3nGI/9Ggcy5xLp1Q/ftinQFZmY=', 'base64');
    expect(nsupdateAnswerText(reply({ ...base, mac }))).toBe(
      'Answer:\n;; ->>HEADER<<- opcode: UPDATE, status: NOERROR, id:   4598\n' +
        ';; flags: qr; ZONE: 1, PREREQ: 0, UPDATE: 0, ADDITIONAL: 1\n' +
        ';; ZONE SECTION:\n;a.test.\t\t\t\tIN\tSOA\n\n' +
        ';; TSIG PSEUDOSECTION:\n' +
        'rndc-sha256.\t\t0\tANY\tTSIG\thmac-sha256. 1796297573 300 32 mp58Vw1nQ1JdVXz6e3nGI/9Ggcy5xLp1Q/ftinQFZmY= 4598 NOERROR 0 \n\n',
    );
  });

  it('a 64-byte MAC in words of 56 characters; an empty MAC (BADKEY) leaves no gap', () => {
    const mac = Buffer.from(
      'IF1cIPNaYcmIaq43zqTqsfLpYwPk2hdcCHTLDm3LT2dyS5xXRfnbSe+IAIAFbCczTEKJP/812eN5zUVGqMelJQ==',
      'base64',
    );
    expect(
      nsupdateAnswerText(
        reply({ ...base, keyName: 'rndc-sha512.', algorithm: 'hmac-sha512.', mac }),
      ),
    ).toContain(
      'rndc-sha512.\t\t0\tANY\tTSIG\thmac-sha512. 1796297573 300 64 IF1cIPNaYcmIaq43zqTqsfLpYwPk2hdcCHTLDm3LT2dyS5xXRfnbSe+I AIAFbCczTEKJP/812eN5zUVGqMelJQ== 4598 NOERROR 0 \n',
    );
    expect(
      nsupdateAnswerText(reply({ ...base, keyName: 'nokey.', mac: Buffer.alloc(0), error: 17 })),
    ).toContain('nokey.\t\t\t0\tANY\tTSIG\thmac-sha256. 1796297573 300 0 4598 BADKEY 0 \n\n');
  });

  it('other data (BADTIME) in base64 after its size; an unsigned reply has no pseudosection', () => {
    const text = nsupdateAnswerText(
      reply({
        ...base,
        mac: Buffer.alloc(0),
        error: 18,
        otherData: Buffer.from([0, 0, 1, 2, 3, 4]),
      }),
    );
    expect(text).toContain(' 0 4598 BADTIME 6 AAABAgME\n');
    expect(nsupdateAnswerText(reply(undefined))).not.toContain('TSIG');
  });
});
