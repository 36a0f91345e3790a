// rndc.conf: interpretation, includes, and errors that name file and line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRndcConf, parseRndcConf } from '../../src/keys/config.js';
import { MAX_INCLUDE_DEPTH } from '../../src/keys/load.js';
import {
  expectNoSecret,
  keyBlock,
  makeTempDir,
  SECRET_A,
  SECRET_B,
  type TempDir,
} from './keys-fixtures.js';

const parse = (text: string, file = 'rndc.conf') => parseRndcConf(text, { file });

describe('parseRndcConf', () => {
  it('reads keys, options and servers', async () => {
    const text = `${keyBlock('Rndc-Key')}${keyBlock('other', 'hmac-sha512', SECRET_B)}
options {
  default-server localhost;
  default-key "rndc-key";
  default-port 9953;
  default-source-address *;
  default-source-address-v6 ::1;
};
server 127.0.0.2 {
  key other;
  port 9954;
  addresses { 127.0.0.1 port 9955; ::1; "ns.example" port 99; bare.example; 10.0.0.1 port 0; };
  source-address 127.0.0.1;
  source-address-v6 *;
};
`;
    const conf = (await parse(text)).unwrap();
    expect([...conf.keys.keys()]).toEqual(['rndc-key', 'other']);
    expect(conf.keys.get('rndc-key')?.name).toBe('Rndc-Key');
    expect(conf.keys.get('other')?.algorithm).toBe('hmac-sha512');
    expect(conf.options).toMatchObject({
      defaultServer: 'localhost',
      defaultKey: 'rndc-key',
      defaultPort: 9953,
      defaultSourceAddress: '*',
      defaultSourceAddressV6: '::1',
    });
    expect(conf.options?.clauseLocations.get('default-key')).toEqual({
      file: 'rndc.conf',
      line: 12,
    });
    const [server] = conf.servers;
    expect(server).toMatchObject({
      name: '127.0.0.2',
      key: 'other',
      port: 9954,
      sourceAddress: '127.0.0.1',
      sourceAddressV6: '*',
      location: { file: 'rndc.conf', line: 17 },
    });
    expect(server?.addresses?.map((a) => [a.host, a.port])).toEqual([
      ['127.0.0.1', 9955],
      ['::1', undefined],
      ['ns.example', 99],
      ['bare.example', undefined],
      ['10.0.0.1', undefined], // rndc treats port 0 on an IP address as "not given"
    ]);
    expect(conf.warnings).toEqual([]);
  });

  it('has no options when there is no options statement', async () => {
    const conf = (await parse(keyBlock('k'))).unwrap();
    expect(conf.options).toBeUndefined();
    expect(conf.servers).toEqual([]);
  });

  it('ignores unknown statements and clauses with a warning naming file and line', async () => {
    const text = `${keyBlock('k')}controls { inet * allow { any; }; };
options { default-key k; directory "/var"; };
server s { key k; frobnicate yes; };
`;
    const conf = (await parse(text)).unwrap();
    expect(conf.options?.defaultKey).toBe('k');
    expect(conf.warnings).toEqual([
      "rndc.conf:5: unknown statement 'controls' ignored",
      "rndc.conf:6: unknown option 'directory' ignored",
      'rndc.conf:7: unknown clause in server "s": \'frobnicate\' ignored',
    ]);
  });

  it('keeps the first of two keys with the same name, as rndc does, and warns', async () => {
    const text = `${keyBlock('dup', 'hmac-sha256', SECRET_A)}${keyBlock('DUP', 'hmac-sha512', SECRET_B)}`;
    const conf = (await parse(text)).unwrap();
    expect(conf.keys.get('dup')?.algorithm).toBe('hmac-sha256');
    expect(conf.warnings[0]).toMatch(
      /^rndc\.conf:5: key "DUP" defined again \(first at rndc\.conf:1\)/,
    );
  });

  it('refuses a second options statement and a repeated clause', async () => {
    const twice = await parse('options { };\noptions { };');
    expect(twice.unwrapErr().message).toBe("rndc.conf:2: 'options' redefined");
    const clause = await parse('server s {\n port 1;\n port 2;\n};');
    expect(clause.unwrapErr().message).toBe("rndc.conf:3: 'port' redefined");
  });

  it('checks numbers and addresses', async () => {
    const cases: Array<[string, RegExp]> = [
      ['options { default-port -1; };', /^rndc\.conf:1: expected number near '-1'$/],
      ['options { default-port "953"; };', /^rndc\.conf:1: expected number/],
      ['server s { addresses { 127.0.0.1 port 70000; }; };', /port number 70000 out of range/],
      ['server s { addresses { "name" port 0; }; };', /port number 0 out of range/],
      ['server s { addresses { 127.0.0.1 prot 5; }; };', /missing ';' before 'prot'/],
      ['server s { source-address ::1; };', /expected an IPv4 address or '\*' near '::1'/],
      ['options { default-source-address-v6 10.0.0.1; };', /expected an IPv6 address/],
      ['server s { source-address 127.0.0.1 port 5; };', /missing ';' before 'port'/],
      ['server { key k; };', /'server' needs a name/],
      ['server s;', /'\{' expected near ';'/],
      ['options { default-server; };', /'default-server' needs a value/],
    ];
    for (const [text, pattern] of cases) {
      const error = (await parse(text)).unwrapErr();
      expect(error.kind, text).toBe('syntax');
      expect(error.message, text).toMatch(pattern);
      expect(error.location?.file, text).toBe('rndc.conf');
    }
  });
});

describe('bad configuration names kind, file and line', () => {
  const cases: Array<[string, string, string, number, RegExp]> = [
    [
      'missing semicolon',
      `key "k" {\n  algorithm hmac-sha256\n  secret "${SECRET_A}";\n};`,
      'syntax',
      3,
      /missing ';' before 'secret'/,
    ],
    [
      'missing semicolon after a block',
      `${keyBlock('a').replace('};\n', '}\n')}${keyBlock('b')}`,
      'syntax',
      5,
      /missing ';' before 'key'/,
    ],
    ['unterminated brace', `options {\n  default-key k;\n`, 'syntax', 1, /never closed/],
    [
      'unterminated string',
      `key "k" {\n  secret "abc;\n};\n`,
      'syntax',
      2,
      /unterminated quoted string/,
    ],
    [
      'key without secret',
      'key "k" {\n  algorithm hmac-sha256;\n};',
      'invalid-key',
      1,
      /key "k" must have both 'secret' and 'algorithm' defined/,
    ],
    [
      'key without algorithm',
      `\nkey "k" {\n  secret "${SECRET_A}";\n};`,
      'invalid-key',
      2,
      /must have both/,
    ],
    [
      'bad base64',
      'key "k" {\n  algorithm hmac-sha256;\n  secret "not*base64";\n};',
      'invalid-key',
      3,
      /key "k": bad secret \(not valid base64\)/,
    ],
    [
      'unknown algorithm',
      `key "k" {\n  algorithm hmac-foo;\n  secret "${SECRET_A}";\n};`,
      'unsupported-algorithm',
      2,
      /key "k": unknown algorithm 'hmac-foo'/,
    ],
    [
      'repeated secret',
      `key "k" {\n  secret "${SECRET_A}";\n  secret "${SECRET_A}";\n};`,
      'syntax',
      3,
      /'secret' redefined/,
    ],
  ];
  for (const [name, text, kind, line, pattern] of cases) {
    it(name, async () => {
      const error = (await parseRndcConf(text, { file: '/etc/x/rndc.conf' })).unwrapErr();
      expect(error.kind).toBe(kind);
      expect(error.location).toEqual({ file: '/etc/x/rndc.conf', line });
      expect(error.message.startsWith(`/etc/x/rndc.conf:${line}: `)).toBe(true);
      expect(error.message).toMatch(pattern);
      expectNoSecret(error, SECRET_A);
    });
  }
});

describe('include', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it('follows nested includes relative to the including file', async () => {
    await tmp.write('nested/keys/k1.key', keyBlock('k1'));
    await tmp.write('nested/keys/all.conf', 'include "k1.key";\ninclude "sub/k2.key";\n');
    await tmp.write(
      'nested/keys/sub/k2.key',
      keyBlock('k2', 'hmac-sha1', 'c2VjcmV0c2VjcmV0c2VjcmV0'),
    );
    const main = await tmp.write(
      'nested/rndc.conf',
      'include "keys/all.conf";\noptions { default-key k2; };\n',
    );
    const conf = (await loadRndcConf(main)).unwrap();
    expect([...conf.keys.keys()]).toEqual(['k1', 'k2']);
    expect(conf.keys.get('k2')?.location).toEqual({
      file: tmp.path('nested/keys/sub/k2.key'),
      line: 1,
    });
    expect(conf.files).toEqual([
      main,
      tmp.path('nested/keys/all.conf'),
      tmp.path('nested/keys/k1.key'),
      tmp.path('nested/keys/sub/k2.key'),
    ]);
  });

  it('resolves relative includes against baseDir when given (BIND uses the working directory)', async () => {
    await tmp.write('base/inc/k.key', keyBlock('based'));
    const main = await tmp.write('base/conf/rndc.conf', 'include "inc/k.key";\n');
    const relativeToFile = await loadRndcConf(main);
    expect(relativeToFile.unwrapErr().kind).toBe('file-unreadable');
    const conf = (await loadRndcConf(main, { baseDir: tmp.path('base') })).unwrap();
    expect(conf.keys.has('based')).toBe(true);
  });

  it('expands includes inside blocks', async () => {
    await tmp.write('inblock/opts.conf', 'default-key k;\ndefault-port 1234;\n');
    const main = await tmp.write(
      'inblock/rndc.conf',
      `${keyBlock('k')}options { include "opts.conf"; };\n`,
    );
    const conf = (await loadRndcConf(main)).unwrap();
    expect(conf.options?.defaultPort).toBe(1234);
    expect(conf.options?.clauseLocations.get('default-port')).toEqual({
      file: tmp.path('inblock/opts.conf'),
      line: 2,
    });
  });

  it('reports a missing included file at the include statement', async () => {
    const main = await tmp.write('missing/rndc.conf', '# first line\n\ninclude "nope.key";\n');
    const error = (await loadRndcConf(main)).unwrapErr();
    expect(error.kind).toBe('file-unreadable');
    expect(error.location).toEqual({ file: main, line: 3 });
    expect(error.message).toBe(
      `${main}:3: include "${tmp.path('missing/nope.key')}": file not found`,
    );
  });

  it('reports a syntax error inside an included file at that file and line', async () => {
    await tmp.write('badinc/bad.key', 'key "k" {\n algorithm hmac-md5\n secret "x";\n};\n');
    const main = await tmp.write('badinc/rndc.conf', 'include "bad.key";\n');
    const error = (await loadRndcConf(main)).unwrapErr();
    expect(error.message).toBe(`${tmp.path('badinc/bad.key')}:3: missing ';' before 'secret'`);
  });

  it('detects a file including itself', async () => {
    const main = await tmp.write('self/rndc.conf', 'options { };\ninclude "rndc.conf";\n');
    const error = (await loadRndcConf(main)).unwrapErr();
    expect(error.kind).toBe('include-loop');
    expect(error.location).toEqual({ file: main, line: 2 });
    expect(error.message).toContain('include loop');
  });

  it('detects a loop through several files', async () => {
    await tmp.write('loop/a.conf', 'include "b.conf";\n');
    await tmp.write('loop/b.conf', '\ninclude "sub/../a.conf";\n');
    const main = await tmp.write('loop/rndc.conf', 'include "a.conf";\n');
    const error = (await loadRndcConf(main)).unwrapErr();
    expect(error.kind).toBe('include-loop');
    expect(error.location).toEqual({ file: tmp.path('loop/b.conf'), line: 2 });
    expect(error.message).toContain(
      `"${tmp.path('loop/a.conf')}" → "${tmp.path('loop/b.conf')}" → "${tmp.path('loop/a.conf')}"`,
    );
  });

  it('bounds the include depth', async () => {
    for (let i = 0; i < MAX_INCLUDE_DEPTH + 3; i++) {
      await tmp.write(`deep/f${i}.conf`, `include "f${i + 1}.conf";\n`);
    }
    await tmp.write(`deep/f${MAX_INCLUDE_DEPTH + 3}.conf`, '');
    const error = (await loadRndcConf(tmp.path('deep/f0.conf'))).unwrapErr();
    expect(error.kind).toBe('include-loop');
    expect(error.message).toMatch(/nested deeper than 16 files/);
  });

  it('refuses to include something that is not a regular file', async () => {
    const main = await tmp.write('special/rndc.conf', 'include "/dev/zero";\ninclude ".";\n');
    const error = (await loadRndcConf(main)).unwrapErr();
    expect(error.kind).toBe('file-unreadable');
    expect(error.message).toBe(`${main}:1: include "/dev/zero": not a regular file`);
  });

  it('reads includes through an injected readFile', async () => {
    const files: Record<string, string> = { '/virtual/keys.conf': keyBlock('virtual') };
    const readFile = async (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return text;
    };
    const conf = (
      await parseRndcConf('include "keys.conf";\n', { file: '/virtual/rndc.conf', readFile })
    ).unwrap();
    expect(conf.keys.get('virtual')?.location?.file).toBe('/virtual/keys.conf');
    const missing = await parseRndcConf('\ninclude "x.conf";', {
      file: '/virtual/rndc.conf',
      readFile,
    });
    expect(missing.unwrapErr().message).toBe(
      '/virtual/rndc.conf:2: include "/virtual/x.conf": file not found',
    );
  });

  it('reports a missing main file', async () => {
    const error = (await loadRndcConf(tmp.path('does-not-exist.conf'))).unwrapErr();
    expect(error.kind).toBe('file-unreadable');
    expect(error.message).toContain('does-not-exist.conf');
  });
});
