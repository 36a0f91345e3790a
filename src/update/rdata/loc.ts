/**
 * LOC (RFC 1876): location as BIND reads and prints it (lib/dns/rdata/generic/loc_29.c).
 *
 * Text: `d1 [m1 [s1]] N|S d2 [m2 [s2]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]`. Minutes and seconds
 * default to 0; size to 1m, horizontal precision to 10000m, vertical precision to 10m (RFC 1876
 * §3). Seconds take up to 3 decimals, altitude and precisions up to 2 (more is a syntax error, as
 * in BIND). A precision is stored as mantissa and power of ten and is cut down, not rounded, to
 * its first digit: `1234m` is stored and printed as `1000m`. Directions are upper case only.
 *
 * Wire: a version other than 0 is valid RDATA that BIND cannot print; it is shown in the
 * RFC 3597 generic form, as BIND does.
 */
import type { Name } from '../names.js';
import {
  type Codec,
  decimal,
  type Fields,
  fail,
  MAX_U32,
  quote,
  type Reader,
  u32,
  WireFailure,
} from './kit.js';

const EQUATOR = 0x80000000;
/** Altitude 0 m is 100000.00 m above the WGS 84 reference spheroid (RFC 1876 §2). */
const ALTITUDE_ZERO = 10_000_000;
const POWERS = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000] as const;

type Outcome = number | 'syntax' | 'range';

/**
 * C `strtoul(text, &end, 10)`: value and the rest of the text. A `-` sign negates modulo 2^64,
 * which makes any non-zero negative number larger than every limit here (as in BIND).
 */
function strtoul(text: string): { value: number; rest: string } {
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(text);
  if (!match) return { value: 0, rest: text };
  let value = match[2]!.length > 20 ? Number.POSITIVE_INFINITY : Number(match[2]);
  if (match[1] === '-' && value !== 0) value = Number.POSITIVE_INFINITY;
  return { value, rest: text.slice(match[0].length) };
}

/**
 * A decimal with up to `precision` fraction digits, scaled to an integer, with an optional unit
 * letter at the end (BIND's loc_getdecimal): `54.5` with precision 3 → 54500.
 */
function scaledDecimal(text: string, max: number, precision: number, unit: string): Outcome {
  const { value: whole, rest } = strtoul(text);
  let e = rest;
  if (e !== '' && e[0] !== '.' && e[0] !== unit) return 'syntax';
  if (whole > max) return 'range';
  let ok = e.length !== text.length;
  let value = whole;
  let i = 0;
  if (e[0] === '.') {
    e = e.slice(1);
    for (; i < precision; i++) {
      const c = e[0];
      if (c === undefined || c === unit) break;
      if (c < '0' || c > '9') return 'syntax';
      ok = true;
      value = value * 10 + Number(c);
      e = e.slice(1);
    }
  }
  for (; i < precision; i++) value *= 10;
  if (unit !== '' && e[0] === unit) e = e.slice(1);
  if (!ok || e !== '') return 'syntax';
  return value;
}

/** A size or precision in meters → the RFC 1876 mantissa/exponent byte (BIND's loc_getprecision). */
function precisionByte(text: string): Outcome {
  const { value: meters, rest } = strtoul(text);
  let e = rest;
  if (e !== '' && e[0] !== '.' && e[0] !== 'm') return 'syntax';
  if (meters > 90_000_000) return 'range';
  let ok = e.length !== text.length;
  let cm = 0;
  let i = 0;
  if (e[0] === '.') {
    e = e.slice(1);
    for (; i < 2; i++) {
      const c = e[0];
      if (c === undefined || c === 'm') break;
      if (c < '0' || c > '9') return 'syntax';
      ok = true;
      cm = cm * 10 + Number(c);
      e = e.slice(1);
    }
  }
  for (; i < 2; i++) cm *= 10;
  if (e[0] === 'm') e = e.slice(1);
  if (!ok || e !== '') return 'syntax';
  if (meters > 0) {
    let exponent = 0;
    while (exponent < 7 && meters >= POWERS[exponent + 1]!) exponent++;
    return (Math.floor(meters / POWERS[exponent]!) << 4) + exponent + 2;
  }
  return cm >= 10 ? (Math.floor(cm / 10) << 4) + 1 : cm << 4;
}

function check(f: Fields, outcome: Outcome, field: string, text: string): number {
  if (outcome === 'syntax') fail('bad-rdata', `${f.what}: ${field} ${quote(text)} is not valid`);
  if (outcome === 'range') fail('bad-rdata', `${f.what}: ${field} ${quote(text)} is out of range`);
  return outcome;
}

/** Degrees, optional minutes and seconds, then the hemisphere letter; in milliseconds of arc. */
function coordinate(f: Fields, field: string, letters: string, maxDegrees: number): number {
  const outOfRange = (): never =>
    fail('bad-rdata', `${f.what}: ${field} is out of range (at most ${maxDegrees} degrees)`);
  const inRange = (d: number, m: number, s: number): void => {
    if (d > maxDegrees || m > 59) outOfRange();
    if (d === maxDegrees && (m !== 0 || s !== 0)) outOfRange();
  };
  const isLetter = (text: string): boolean => text.length === 1 && letters.includes(text);
  const degrees = decimal(f.word(`${field} degrees`), MAX_U32, `${field} degrees`, f.what);
  inRange(degrees, 0, 0);
  let minutes = 0;
  let seconds = 0;
  let letter = f.word(`${field} minutes or ${letters[1]}/${letters[0]}`);
  if (!isLetter(letter)) {
    minutes = decimal(letter, MAX_U32, `${field} minutes`, f.what);
    inRange(degrees, minutes, 0);
    letter = f.word(`${field} seconds or ${letters[1]}/${letters[0]}`);
    if (!isLetter(letter)) {
      seconds = check(f, scaledDecimal(letter, 59, 3, ''), `${field} seconds`, letter);
      inRange(degrees, minutes, seconds);
      letter = f.word(`${letters[1]} or ${letters[0]}`);
      if (!isLetter(letter)) {
        fail(
          'bad-rdata',
          `${f.what}: expected ${letters[1]} or ${letters[0]}, got ${quote(letter)}`,
        );
      }
    }
  }
  const offset = (degrees * 3600 + minutes * 60) * 1000 + seconds;
  return letter === letters[1] ? EQUATOR + offset : EQUATOR - offset;
}

function altitude(f: Fields): number {
  const text = f.word('altitude');
  if (text.startsWith('-')) {
    const cm = check(f, scaledDecimal(text.slice(1), 100_000, 2, 'm'), 'altitude', text);
    if (cm > ALTITUDE_ZERO) fail('bad-rdata', `${f.what}: altitude ${quote(text)} is out of range`);
    return ALTITUDE_ZERO - cm;
  }
  const cm = check(f, scaledDecimal(text, 42_849_672, 2, 'm'), 'altitude', text);
  if (cm > MAX_U32 - ALTITUDE_ZERO) {
    fail('bad-rdata', `${f.what}: altitude ${quote(text)} is out of range`);
  }
  return ALTITUDE_ZERO + cm;
}

/** `1m`, `10000m`, `0.05m`: a mantissa/exponent byte in text. */
function precisionText(byte: number): string {
  const mantissa = byte >> 4;
  const exponent = byte & 0x0f;
  if (exponent > 1) return `${mantissa * POWERS[exponent - 2]!}m`;
  return `0.${String(mantissa * POWERS[exponent]!).padStart(2, '0')}m`;
}

/** Milliseconds of arc from the equator/meridian → `d m s.fff X`. */
function coordinateText(value: number, positive: string, negative: string): string {
  const north = value >= EQUATOR;
  let ms = north ? value - EQUATOR : EQUATOR - value;
  const fraction = ms % 1000;
  ms = Math.floor(ms / 1000);
  const seconds = ms % 60;
  ms = Math.floor(ms / 60);
  const minutes = ms % 60;
  const degrees = Math.floor(ms / 60);
  const letter = north ? positive : negative;
  return `${degrees} ${minutes} ${seconds}.${String(fraction).padStart(3, '0')} ${letter}`;
}

/** RFC 3597 generic form with BIND's 56-character hex chunks. */
export function genericForm(bytes: Uint8Array): string {
  const digits = Buffer.from(bytes).toString('hex').toUpperCase();
  return `\\# ${bytes.length} ${digits.match(/.{1,56}/g)?.join(' ') ?? ''}`.trimEnd();
}

function checkPrecisionByte(byte: number, field: string): void {
  if (byte === 0) return;
  if ((byte & 0x0f) > 9 || byte >> 4 > 9 || byte >> 4 === 0) {
    throw new WireFailure(`${field} 0x${byte.toString(16)} is not a valid mantissa/exponent`);
  }
}

export const locCodec: Codec = {
  parse: (f: Fields, _origin: Name) => {
    const latitude = coordinate(f, 'latitude', 'SN', 90);
    const longitude = coordinate(f, 'longitude', 'WE', 180);
    const alt = altitude(f);
    // Size 1m, horizontal precision 10000m, vertical precision 10m unless given.
    const precisions = [0x12, 0x16, 0x13];
    ['size', 'horizontal precision', 'vertical precision'].forEach((field, i) => {
      if (f.done) return;
      const text = f.word(field);
      precisions[i] = check(f, precisionByte(text), field, text);
    });
    return Buffer.concat([Buffer.of(0, ...precisions), u32(latitude), u32(longitude), u32(alt)]);
  },
  format: (r: Reader) => {
    const version = r.u8('version');
    if (version !== 0) {
      // Valid for BIND (it keeps unknown versions) but without a text form.
      const rest = r.rest();
      return genericForm(Buffer.concat([Buffer.of(version), rest]));
    }
    const size = r.u8('size');
    const hp = r.u8('horizontal precision');
    const vp = r.u8('vertical precision');
    checkPrecisionByte(size, 'size');
    checkPrecisionByte(hp, 'horizontal precision');
    checkPrecisionByte(vp, 'vertical precision');
    const latitude = r.u32('latitude');
    const longitude = r.u32('longitude');
    if (Math.abs(latitude - EQUATOR) > 90 * 3_600_000)
      throw new WireFailure('latitude out of range');
    if (Math.abs(longitude - EQUATOR) > 180 * 3_600_000) {
      throw new WireFailure('longitude out of range');
    }
    const alt = r.u32('altitude');
    const below = alt < ALTITUDE_ZERO;
    const cm = below ? ALTITUDE_ZERO - alt : alt - ALTITUDE_ZERO;
    const altText = `${below ? '-' : ''}${Math.floor(cm / 100)}.${String(cm % 100).padStart(2, '0')}m`;
    return [
      coordinateText(latitude, 'N', 'S'),
      coordinateText(longitude, 'E', 'W'),
      altText,
      precisionText(size),
      precisionText(hp),
      precisionText(vp),
    ].join(' ');
  },
};
