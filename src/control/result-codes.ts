/**
 * Result-code identifiers (`ISC_R_NOTFOUND`, `DNS_R_UNKNOWNCOMMAND`…) for the numbers named
 * sends in `result`, per BIND series. The numbering differs between series (the same
 * `unknown command` is 65635 in 9.16, 172 in 9.18 and 173 in 9.20), so a number is only
 * meaningful with the version that sent it. Pure: no I/O.
 *
 * - 9.16: every library numbers its results from its own class base (`ISC_RESULTCLASS_*` in
 *   lib/isc/include/isc/resultclass.h: ISC 0, DNS 65536, DST 131072, DNS rcodes 196608, ISCCC
 *   327680). The rndc tool of 9.16 registers identifiers only for the ISC and ISCCC classes,
 *   so `rndc -r` prints `(result code text not available)` for every DNS result.
 * - 9.18 and 9.20: one enum (lib/isc/include/isc/result.h) numbers all results from 0, and the
 *   identifier table of lib/isc/result.c names them; 9.20 inserted results, shifting the DNS
 *   ones by one or more.
 *
 * The tables are generated from BIND's source at v9.16.50, v9.18.49 and v9.20.23 by
 * scripts/result-codes.mjs.
 */
import { RESULT_IDS } from './result-codes-data.js';
import type { ServerVersion } from './versions.js';

/** What rndc 9.16 prints for a result whose class it has no identifiers for. */
const NOT_AVAILABLE_916 = '(result code text not available)';

/** The series whose table applies: 9.16 and older, 9.17–9.18, 9.19 and newer. */
function tableSeries(version: Pick<ServerVersion, 'major' | 'minor'> | undefined): string {
  if (version === undefined || version.major !== 9) return '9.18';
  if (version.minor <= 16) return '9.16';
  return version.minor <= 18 ? '9.18' : '9.20';
}

function lookup(result: number, series: string): string | undefined {
  const tables = RESULT_IDS[series];
  if (tables === undefined || !Number.isSafeInteger(result) || result < 0) return undefined;
  const base = series === '9.16' ? result - (result % 65536) : 0;
  const id = tables[base]?.[result - base];
  return id === undefined || id === '' ? undefined : id;
}

/**
 * The identifier BIND gives a result number (`ISC_R_NOTFOUND` for 23), as the given version
 * numbers its results.
 *
 * @param result - `result` of named's reply; negative means the reply had none
 * @param version - the server's version; without it BIND 9.18's numbering is assumed
 * @returns the identifier, `NONE` for no result, `UNKNOWN` for a number the version never sends
 */
export function resultName(
  result: number,
  version?: Pick<ServerVersion, 'major' | 'minor'>,
): string {
  if (result < 0) return 'NONE';
  return lookup(result, tableSeries(version)) ?? 'UNKNOWN';
}

/**
 * What that version's `rndc -r` prints before the number: the identifier, except that 9.16's
 * rndc has no identifiers for results outside the ISC and ISCCC classes.
 *
 * @param result - `result` of named's reply; negative means the reply had none
 * @param version - the server's version (rndc and named come from the same release)
 */
export function rndcResultId(
  result: number,
  version?: Pick<ServerVersion, 'major' | 'minor'>,
): string {
  const series = tableSeries(version);
  if (series === '9.16' && result >= 0) {
    const cls = Math.floor(result / 65536);
    // ISC_RESULTCLASS_ISC (0) and ISC_RESULTCLASS_ISCCC (5): the tables rndc 9.16 registers.
    if (cls !== 0 && cls !== 5) return NOT_AVAILABLE_916;
    return lookup(result, series) ?? NOT_AVAILABLE_916;
  }
  return resultName(result, version);
}
