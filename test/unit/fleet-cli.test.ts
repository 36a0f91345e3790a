// The fleet mode's own parsing: -s HOST[:PORT] and the JSON fleet file (hostile input included).
import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, parseArgs } from '../../src/cli/args.js';
import { parseFleetFile, parseServerOption } from '../../src/cli/fleet-command.js';

describe('parseServerOption', () => {
  it.each([
    ['ns1', { host: 'ns1' }],
    ['ns1:9953', { host: 'ns1', port: 9953 }],
    ['127.0.0.1:953', { host: '127.0.0.1', port: 953 }],
    ['[::1]:953', { host: '::1', port: 953 }],
    ['[::1]', { host: '::1' }],
    ['::1', { host: '::1' }],
    ['fe80::1', { host: 'fe80::1' }],
  ])('%s', (text, expected) => {
    expect(parseServerOption(text).unwrap()).toEqual(expected);
  });

  it.each(['ns1:0', 'ns1:65536', '[::1]:99999', ':953'])('%s is refused', (text) => {
    expect(parseServerOption(text).isErr()).toBe(true);
  });
});

describe('parseFleetFile', () => {
  it('a list, or { servers: [...] }', () => {
    const entry = { name: 'ns2', host: '10.0.0.2', port: 953, keyFile: 'ns2.key', namedPid: 12 };
    expect(parseFleetFile(JSON.stringify([entry])).unwrap()).toEqual([entry]);
    expect(parseFleetFile(JSON.stringify({ servers: [entry] })).unwrap()).toEqual([entry]);
  });

  it.each([
    ['not json', /not JSON/],
    ['{}', /expected a list/],
    ['[]', /no servers/],
    ['[1]', /server 1: expected an object/],
    ['[{"port": 953}]', /"host" is missing/],
    ['[{"host": "a", "secret": "x"}]', /unknown field "secret"/],
    ['[{"host": "a", "port": "953"}]', /"port" must be an integer/],
    ['[{"host": "a", "port": 70000}]', /out of range/],
    ['[{"host": ""}]', /non-empty string/],
    ['[{"host": "a", "__proto__": {"x": 1}}]', /unknown field "__proto__"/],
    [JSON.stringify(Array.from({ length: 1001 }, () => ({ host: 'a' }))), /more than 1000/],
  ])('%s is refused', (text, message) => {
    const parsed = parseFleetFile(text);
    expect(parsed.isErr()).toBe(true);
    expect(parsed.isErr() ? parsed.error : '').toMatch(message);
  });
});

describe('repeated -s', () => {
  it('parseArgs keeps every value in order, and the last one as before', () => {
    const parsed = parseArgs(['-s', 'a', '-sb', '-s', 'c:99', 'status'], GLOBAL_OPTIONS, {
      stopAtOperand: true,
    }).unwrap();
    expect(parsed.values.server).toEqual(['a', 'b', 'c:99']);
    expect(parsed.options.server).toBe('c:99');
    expect(parsed.operands).toEqual(['status']);
  });
});
