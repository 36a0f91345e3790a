// Hostile input: huge, deeply nested, binary, or random. Every reader must return an error
// value (never throw), quickly, with a message of bounded size.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadRndcConf,
  parseKeyFile,
  parseKeyString,
  parseKeyText,
  parseRndcConf,
} from '../../src/keys/index.js';
import { MAX_CONFIG_CHARS, tokenize } from '../../src/keys/lexer.js';
import { MAX_INCLUDED_FILES } from '../../src/keys/load.js';
import { MAX_FILE_BYTES } from '../../src/keys/read.js';
import { keyBlock, makeTempDir, type TempDir } from './keys-fixtures.js';

/** Runs every text reader on `text`; each must return a Result, never throw. */
async function readAll(text: string) {
  const results = [
    parseKeyText(text, 'hostile'),
    parseKeyString(text),
    await parseRndcConf(text, { file: '/nonexistent/hostile.conf' }),
  ];
  for (const result of results) {
    if (result.isErr()) expect(result.error.message.length).toBeLessThan(2000);
  }
  return results;
}

/** A deterministic pseudo-random byte generator (xorshift32). */
function randomBytes(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('hostile text', () => {
  it('refuses input over the size limit without scanning it', async () => {
    const huge = 'a'.repeat(MAX_CONFIG_CHARS + 1);
    const [keyText, , conf] = await readAll(huge);
    expect(keyText?.isErr() && keyText.error.message).toMatch(/too large/);
    expect(conf?.isErr() && conf.error.kind).toBe('syntax');
  });

  it('handles a very long word, string and comment in linear time', async () => {
    const started = Date.now();
    const long = 'x'.repeat(4_000_000);
    for (const text of [long, `"${long}`, `/*${long}`, `key "${long}";`]) {
      const results = await readAll(text);
      expect(results.every((result) => result.isErr())).toBe(true);
    }
    const comment = await parseRndcConf(`# ${long}\n`, { file: 'comment.conf' });
    expect(comment.unwrap().keys.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('handles many small statements', async () => {
    const text = 'a;\n'.repeat(200_000);
    const started = Date.now();
    const result = parseKeyText(text, 'many');
    expect(result.isErr() && result.error.kind).toBe('missing-key');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses deep nesting, open or closed', async () => {
    for (const text of [
      '{'.repeat(100_000),
      `a ${'{'.repeat(100_000)}${'};'.repeat(100_000)}`,
      '}'.repeat(100_000),
    ]) {
      const results = await readAll(text);
      expect(results.every((result) => result.isErr())).toBe(true);
    }
    const deep = parseKeyText(`key k ${'{ a '.repeat(1000)}`, 'deep');
    expect(deep.isErr() && deep.error.message).toMatch(/^deep:1: blocks nested deeper than 64/);
  });

  it('refuses binary garbage', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = randomBytes(seed, 4096).toString('latin1');
      const results = await readAll(text);
      expect(results.every((result) => result.isErr())).toBe(true);
    }
    const error = tokenize('key "k" {\n\u0001\u0002};', 'bin.conf').unwrapErr();
    expect(error.message).toMatch(/^bin\.conf:2: control character 0x01/);
  });

  it('never throws on arbitrary strings (property)', async () => {
    const configish = fc.string({
      unit: fc.constantFrom(
        ...'key{};"#/*\\ \nalgorithm secret hmac-sha256 abc= include options server'.split(''),
      ),
      maxLength: 300,
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), configish), async (text) => {
        await readAll(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated valid configurations (property)', async () => {
    const base = `${keyBlock('k')}options { default-key k; default-server 127.0.0.1; default-port 953; };\nserver s { addresses { 127.0.0.1 port 1; }; };\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(base.length),
        fc.nat(base.length),
        fc.string({ maxLength: 4 }),
        async (at, to, insert) => {
          const [from, end] = at <= to ? [at, to] : [to, at];
          await readAll(base.slice(0, from) + insert + base.slice(end));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hostile files', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it('refuses a file over the size limit', async () => {
    const path = await tmp.write('big.conf', Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    const error = (await loadRndcConf(path)).unwrapErr();
    expect(error.kind).toBe('file-unreadable');
    expect(error.message).toMatch(/larger than 4194304 bytes/);
  });

  it('refuses a binary file', async () => {
    const path = await tmp.write('random.key', randomBytes(7, 10_000));
    expect((await parseKeyFile(path)).isErr()).toBe(true);
  });

  it('bounds the number of files an include fan-out may read', async () => {
    // Each file includes the next one twice: 2^12 reads without a bound.
    for (let i = 0; i < 12; i++) {
      await tmp.write(`fan/f${i}.conf`, `include "f${i + 1}.conf";\ninclude "f${i + 1}.conf";\n`);
    }
    await tmp.write('fan/f12.conf', keyBlock('leaf'));
    const error = (await loadRndcConf(tmp.path('fan/f0.conf'))).unwrapErr();
    expect(error.message).toMatch(new RegExp(`more than ${MAX_INCLUDED_FILES} files included`));
  });
});
