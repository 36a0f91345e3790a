// The tokenizer and statement tree of BIND's configuration syntax.
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/keys/lexer.js';
import { MAX_NESTING, parseStatements, type Statement } from '../../src/keys/tree.js';
import { repeatTo, scaling } from '../helpers/linear.js';

const tokens = (text: string) => tokenize(text, 'test.conf').unwrap();
const texts = (text: string) => tokens(text).map((token) => token.text);
const tree = (text: string) => parseStatements(tokens(text), 'test.conf');
const words = (statement: Statement | undefined) => statement?.words.map((word) => word.text);

describe('tokenize', () => {
  it('skips all three comment kinds', () => {
    const text = [
      '/* a C comment',
      '   over two lines */ one; // C++ comment',
      '# shell comment',
      'two; /* inline */ three;',
    ].join('\n');
    expect(texts(text)).toEqual(['one', ';', 'two', ';', 'three', ';']);
  });

  it('numbers lines, counting newlines inside comments and strings', () => {
    const text = '/*\n\n*/ a;\n"x\ny" b;\n// c\nd;';
    expect(tokens(text).map((token) => [token.text, token.line])).toEqual([
      ['a', 3],
      [';', 3],
      ['x\ny', 4],
      ['b', 5],
      [';', 5],
      ['d', 7],
      [';', 7],
    ]);
  });

  it('ends a bare word at a comment marker or a quote, as BIND does', () => {
    expect(texts('key p#q\n;')).toEqual(['key', 'p', ';']);
    expect(texts('key p//q\n;')).toEqual(['key', 'p', ';']);
    expect(texts('key p/*q*/;')).toEqual(['key', 'p', ';']);
    expect(texts('"p"q')).toEqual(['p', 'q']);
    expect(texts('10.0.0.0/8;')).toEqual(['10.0.0.0/8', ';']);
  });

  it('keeps punctuation as separate tokens', () => {
    expect(tokens('a{b;};').map((token) => token.type)).toEqual([
      'word',
      '{',
      'word',
      ';',
      '}',
      ';',
    ]);
  });

  it('resolves backslash escapes in quoted strings', () => {
    const [token] = tokens('"a\\"b\\\\c\\d"');
    expect(token).toEqual({ type: 'string', text: 'a"b\\cd', line: 1 });
  });

  it('treats comment markers inside strings as text', () => {
    expect(texts('"a # b // c /* d */"')).toEqual(['a # b // c /* d */']);
  });

  it('reports an unterminated string at the line it starts', () => {
    const error = tokenize('a;\nkey "abc\n\n', 'f.conf').unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.location).toEqual({ file: 'f.conf', line: 2 });
    expect(error.message).toMatch(/^f\.conf:2: unterminated quoted string/);
  });

  it('reports an unterminated comment at the line it starts', () => {
    const error = tokenize('a;\n\n/* open\n', 'f.conf').unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.message).toMatch(/^f\.conf:3: unterminated '\/\*' comment/);
  });

  it('refuses binary data and says where', () => {
    const error = tokenize('a;\nb\u0000c;', 'f.conf').unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.message).toMatch(/^f\.conf:2: control character 0x00/);
  });
});

describe('parseStatements', () => {
  it('builds words, block and parts', () => {
    const [key, controls] = tree(
      'key "k" { algorithm hmac-md5; };\ncontrols { inet * allow { any; } keys { k; }; };',
    ).unwrap();
    expect(words(key)).toEqual(['key', 'k']);
    expect(key?.words[1]?.quoted).toBe(true);
    expect(key?.block?.map(words)).toEqual([['algorithm', 'hmac-md5']]);
    const inet = controls?.block?.[0];
    expect(inet?.parts.map((part) => part.kind)).toEqual([
      'word',
      'word',
      'word',
      'block',
      'word',
      'block',
    ]);
    expect(controls?.line).toBe(2);
  });

  it('needs a ; before a closing brace', () => {
    const error = tree('a {\n b\n};').unwrapErr();
    expect(error.message).toBe("test.conf:3: missing ';' before '}'");
  });

  it('needs a ; at the end of the file', () => {
    expect(tree('a;\nb {\n}\n').unwrapErr().message).toBe(
      "test.conf:3: missing ';' before end of file",
    );
  });

  it('reports an unclosed brace at its line', () => {
    const error = tree('a;\nkey k {\n algorithm x;\n').unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.location?.line).toBe(2);
    expect(error.message).toMatch(/^test\.conf:2: '\{' opened here is never closed/);
  });

  it('rejects a stray } and an empty statement', () => {
    expect(tree('a; };').unwrapErr().message).toBe("test.conf:1: unexpected '}'");
    expect(tree('a;;').unwrapErr().message).toMatch(/^test\.conf:1: syntax error near ';'/);
  });

  it('bounds nesting depth', () => {
    const deep = `${'a {'.repeat(MAX_NESTING + 1)}${'};'.repeat(MAX_NESTING + 1)}`;
    expect(tree(deep).unwrapErr().message).toMatch(/nested deeper than 64/);
    const ok = `${'a {'.repeat(MAX_NESTING)}${'};'.repeat(MAX_NESTING)}`;
    expect(tree(ok).isOk()).toBe(true);
  });
});

// A configuration or key file can come from anyone who can write named's directory: tokenizing
// must take time linear in its size whatever it holds. 4 MiB of `/**/` took 28 s when every
// comment counted its newlines with an indexOf that searched to the end of the file.
describe('tokenize runs in linear time on adversarial input (issue 10, item 10)', () => {
  const SMALL = 256 * 1024;
  const LARGE = 4 * 1024 * 1024;
  const shapes: [string, string][] = [
    ['empty C comments', '/**/'],
    ['C comments with a newline', '/*\n*/'],
    ['C comments holding comment markers', '/*/ # // "*/'],
    ['# comments', '#\n'],
    ['// comments', '//\n'],
    ['quoted strings full of escapes', '"\\a\\"\\\\" '],
    ['one long quoted string', '"'],
    ['one long word', 'a'],
    ['words split by slashes', 'a/b/'],
    ['an unterminated comment after opening markers', '/*/'],
  ];
  for (const [name, fragment] of shapes) {
    it(`${name}: 4 MiB costs at most 8× the linear share of 256 KiB`, () => {
      const s = scaling(
        (size) => (fragment === '"' ? `"${repeatTo('a', size - 2)}"` : repeatTo(fragment, size)),
        (text) => {
          tokenize(text, 'big.conf');
        },
        SMALL,
        LARGE,
      );
      // Quadratic work gives a ratio near 256 (16²); linear work near 16. The bound is 8× the
      // linear share (128), still half of quadratic: CPU time of the large run grows with a
      // loaded machine's cache and GC pressure (a ratio of 72 seen in CI at load 10).
      expect(s.timeRatio, JSON.stringify(s)).toBeLessThanOrEqual(8 * s.sizeRatio);
    }, 120_000);
  }

  it('still gives the right tokens and lines for the adversarial shapes', () => {
    expect(texts(`${'/**/'.repeat(1000)}a;`)).toEqual(['a', ';']);
    expect(tokens(`${'/*\n*/'.repeat(1000)}a;`)[0]?.line).toBe(1001);
    expect(tokenize('/*/'.repeat(1001), 'x').unwrapErr().message).toMatch(/unterminated '\/\*'/);
    expect(texts('"\\a\\"\\\\" '.repeat(3))).toEqual(['a"\\', 'a"\\', 'a"\\']);
  });
});
