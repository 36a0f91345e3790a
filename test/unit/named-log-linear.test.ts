// Anyone who can log to syslog can put any line into named's log (issue 10, item 8): parsing must
// take time linear in the line whatever its shape. The sync/freeze/thaw patterns backtracked
// quadratically (16 KiB of `/a' ` after `sync: dumping zone '` took ~100 ms; 1 MiB of such lines
// 6.5 s). These tests (1) attack every line shape the parser knows with fragments that make
// backtracking regular expressions blow up, comparing long lines with short ones of the same
// total size (CPU time, best of three: load on the machine does not add to it), and (2) check
// that the linear matchers give exactly what the regular expressions they replace gave.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_ENDINGS, LOG_FRAGMENTS, LOG_PREFIXES } from '../../fuzz/lib/adversarial.js';
import { type NamedLogEvent, parseNamedLog } from '../../src/dump/log.js';
import { bestCpuMs } from '../helpers/linear.js';

const PREFIXES = LOG_PREFIXES;
const FRAGMENTS = LOG_FRAGMENTS;
const ENDINGS = LOG_ENDINGS;

function text(
  prefix: string,
  lineLength: number,
  total: number,
  fragments = FRAGMENTS,
  endings = ENDINGS,
): string {
  const lines: string[] = [];
  for (const fragment of fragments) {
    for (const ending of endings) {
      const body = fragment.repeat(Math.ceil(lineLength / fragment.length));
      const line = `${prefix}${body}`.slice(0, lineLength - ending.length) + ending;
      const count = Math.max(
        1,
        Math.round(total / (fragments.length * endings.length * lineLength)),
      );
      for (let i = 0; i < count; i++) lines.push(line);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('named log parsing is linear in the line length (issue 10, item 8)', () => {
  // The same total size in 16 000-character lines (just under the 16 KiB the parser looks at)
  // and in 1 000-character lines. Linear work costs the same for both; work quadratic in the
  // line costs 16 times more for the long lines.
  const TOTAL = 1024 * 1024;
  const expectLinear = (long: string, short: string) => {
    parseNamedLog(long);
    parseNamedLog(short);
    const longMs = bestCpuMs(() => parseNamedLog(long));
    // A floor: a few milliseconds of CPU are too little to compare reliably.
    const shortMs = Math.max(
      5,
      bestCpuMs(() => parseNamedLog(short)),
    );
    expect(longMs / shortMs, `${longMs} ms vs ${shortMs} ms`).toBeLessThanOrEqual(4);
  };
  for (const prefix of PREFIXES) {
    it(`lines starting ${JSON.stringify(prefix)}: 16 000-character lines cost at most 4× 1 000-character ones`, () => {
      expectLinear(text(prefix, 16_000, TOTAL), text(prefix, 1_000, TOTAL));
    }, 120_000);
  }

  it("a line of many `updating zone '` ending in a line break (searched anywhere in a line)", () => {
    const shape = (length: number) => text('', length, TOTAL, ["updating zone '"], ['\u2028x']);
    expectLinear(shape(16_000), shape(1_000));
  }, 120_000);

  it('a line over 16 KiB is skipped without being matched', () => {
    const long = `sync: dumping zone '${"/a' ".repeat(4096)}/IN': success`;
    expect(parseNamedLog(long)).toEqual([]);
    const ok = "sync: dumping zone 'a/IN': success";
    expect(parseNamedLog(`${long}\n${ok}\n`)).toMatchObject([{ kind: 'sync', lineNumber: 2 }]);
  });
});

// The regular expressions the linear matchers replace, as they were: the reference.
const OLD = {
  sync: /^sync: dumping zone '(.+)\/([^/']+)'(?: ([^,:]+))?(, removing journal file)?: (.+)$/,
  freeze: /^(freezing|thawing) zone '(.+)\/([^/']+)'(?: ([^:]+))?: (.+)$/,
  remove: /^unable to remove journal '(.+)': '(.*)'$/,
  updating: /^updating zone '(.+)\/([^/']+)': (.+)$/,
  updatingAnywhere: /updating zone '.+$/,
  add: /^adding an RR at (.+)$/,
};

type Fields = Record<string, unknown>;

/** What the old patterns made of a message (only the rules these lines can reach). */
function reference(message: string): Fields | undefined {
  const zone = (name: string | undefined, klass: string | undefined, view?: string) => ({
    zone: name,
    zoneClass: klass,
    ...(view ? { view } : {}),
  });
  const sync = OLD.sync.exec(message);
  if (sync) {
    return {
      kind: 'sync',
      allZones: false,
      removesJournal: sync[4] !== undefined,
      result: sync[5],
      ...zone(sync[1], sync[2], sync[3]),
    };
  }
  const freeze = OLD.freeze.exec(message);
  if (freeze) {
    return {
      kind: freeze[1] === 'freezing' ? 'freeze' : 'thaw',
      allZones: false,
      result: freeze[5],
      ...zone(freeze[2], freeze[3], freeze[4]),
    };
  }
  const remove = OLD.remove.exec(message);
  if (remove) return { kind: 'journal-remove-failed', file: remove[1], strerror: remove[2] };
  const anywhere = OLD.updatingAnywhere.exec(message);
  if (!anywhere) return undefined;
  const updating = OLD.updating.exec(anywhere[0]);
  const add = updating ? OLD.add.exec(updating[3] ?? '') : null;
  if (!updating || !add) return undefined;
  return {
    kind: 'update-change',
    action: 'add',
    detail: add[1],
    ...zone(updating[1], updating[2]),
  };
}

const KEYS = [
  'kind',
  'allZones',
  'removesJournal',
  'result',
  'zone',
  'zoneClass',
  'view',
  'file',
  'strerror',
  'action',
  'detail',
];

function project(event: NamedLogEvent | undefined): Fields | undefined {
  if (!event) return undefined;
  const out: Fields = {};
  for (const key of KEYS) if (key in event) out[key] = (event as unknown as Fields)[key];
  return out;
}

describe('the linear matchers give what the regular expressions gave', () => {
  const piece = fc.constantFrom(
    'a',
    'IN',
    '/',
    "'",
    ' ',
    ': ',
    ':',
    ',',
    '\r',
    '\u2028',
    ', removing journal file',
    'internal',
    "': '",
    "updating zone '",
    'adding an RR at ',
    'success',
  );
  const rest = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));
  const starts = [
    "sync: dumping zone '",
    "freezing zone '",
    "thawing zone '",
    "unable to remove journal '",
    "updating zone '",
    'x ',
  ];

  it('on random lines built from the separators the patterns look for', () => {
    fc.assert(
      fc.property(fc.constantFrom(...starts), rest, (start, tail) => {
        // The parser trims the end of a message and splits lines at \n (and drops a final \r).
        const message = `${start}${tail}`.trimEnd();
        if (message.endsWith('\r')) return;
        const events = parseNamedLog(message);
        expect(events.length).toBeLessThanOrEqual(1);
        expect(project(events[0])).toEqual(reference(message));
      }),
      { numRuns: 20_000, seed: 10 },
    );
  });

  it('on the lines named writes', () => {
    for (const line of [
      "sync: dumping zone 'dyn.test/IN': success",
      "sync: dumping zone 'dyn.test/IN' internal, removing journal file: success",
      "sync: dumping zone 'a/b/c/IN' v: already running",
      "freezing zone 'dyn.test/IN': success",
      "thawing zone 'dyn.test/IN' internal: not frozen",
      "unable to remove journal 'dyn/x.jnl': 'Permission denied'",
      "updating zone 'dyn.test/IN': adding an RR at 'www.dyn.test' A 192.0.2.1",
    ]) {
      expect(reference(line), line).toBeDefined();
      expect(project(parseNamedLog(line)[0]), line).toEqual(reference(line));
    }
  });
});
