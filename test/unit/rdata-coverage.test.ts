// Every record type BIND knows has a native codec here: `named-rrchecker -T` of every installed
// version lists the mnemonics; each is read in its normal text form, except the few that BIND
// itself reads only in the RFC 3597 generic form (checked: BIND refuses their text form too).
import { describe, expect, it } from 'vitest';
import { Name } from '../../src/update/names.js';
import { parseRdata, SUPPORTED_TYPES, typeFromText } from '../../src/update/rdata.js';
import { rrcheckerTypes, rrcheckerVersions, rrcheckerWire } from '../helpers/rrchecker.js';

/** Types BIND has no text form for: its reader refuses anything but `\#`. */
const GENERIC_ONLY_IN_BIND = new Set(['NULL', 'UINFO', 'UID', 'GID', 'UNSPEC']);

describe.each(rrcheckerVersions())('BIND %s: every type it knows', (version) => {
  const mnemonics = rrcheckerTypes(version);

  it('lists a plausible number of types', () => {
    expect(mnemonics.length).toBeGreaterThan(70);
  });

  it('has a native codec for each, or BIND reads it only in the generic form as well', () => {
    const missing: string[] = [];
    for (const mnemonic of mnemonics) {
      const type = typeFromText(mnemonic);
      expect(type, mnemonic).toBeDefined();
      if (SUPPORTED_TYPES.includes(type!)) continue;
      if (GENERIC_ONLY_IN_BIND.has(mnemonic)) continue;
      missing.push(mnemonic);
    }
    expect(missing).toEqual([]);
  });

  it.each([...GENERIC_ONLY_IN_BIND])(
    '%s: BIND refuses a text form and takes \\#, as we do',
    (mnemonic) => {
      const type = typeFromText(mnemonic)!;
      expect(rrcheckerWire(version, { type: mnemonic, rdata: 'abc' }).ok).toBe(false);
      expect(parseRdata(type, 'abc', Name.root).isErr()).toBe(true);
      const generic = rrcheckerWire(version, { type: mnemonic, rdata: '\\# 2 0102' });
      expect(generic.ok && generic.wire.toString('hex')).toBe('0102');
      expect(parseRdata(type, '\\# 2 0102', Name.root).unwrap().toString('hex')).toBe('0102');
    },
  );
});
