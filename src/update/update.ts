/**
 * The `Update` builder: one RFC 2136 UPDATE for one zone — prerequisites (§2.4) and updates
 * (§2.5) — from presentation text or structured records. Relative names resolve against the
 * zone (nsupdate resolves them against the root: `www` there means `www.`).
 *
 * Builder methods never throw: a record that does not parse is remembered, and sending the update
 * returns an `invalid-update` error listing every problem with the call that caused it.
 */
import { type InspectOptionsStylized, inspect } from 'node:util';
import { Err, Ok, type Result } from '../result.js';
import { UpdateError } from './errors.js';
import {
  CLASS_ANY,
  CLASS_IN,
  CLASS_NONE,
  TYPE_ANY,
  type UpdateMessage,
  type WireRecord,
} from './message.js';
import { Name, type NameError, parseName } from './names.js';
import {
  classFromText,
  classToText,
  formatRdata,
  parseRdata,
  parseRecord,
  typeFromText,
  typeToText,
} from './rdata.js';

/**
 * A record: presentation text (`'www 300 IN A 192.0.2.1'`, `'@ MX 10 mail'`, TTL and class
 * optional) or a structured value whose `data` is presentation RDATA text or raw wire RDATA.
 */
export type RecordInput =
  | string
  | {
      /** Owner name; a relative name is relative to the update's origin (default: the zone). */
      readonly name: string;
      /** RR type: a mnemonic (`A`, `TXT`) or a number. */
      readonly type: string | number;
      /** TTL in seconds. Default: the update's `defaultTtl`. */
      readonly ttl?: number;
      /** Record data in presentation format, or wire-format bytes. */
      readonly data: string | Uint8Array;
    };

/** Options of an {@link Update}. */
export interface UpdateOptions {
  /** The zone's class. Default `IN`. */
  readonly class?: string | undefined;
  /** TTL for added records that name none. Default 3600. */
  readonly defaultTtl?: number | undefined;
  /**
   * What relative names are relative to. Default: the zone. `'.'` gives nsupdate's behaviour
   * (relative names are made absolute against the root).
   */
  readonly origin?: string | undefined;
}

/** Types that cannot be added or named in an RRset prerequisite (RFC 2136 §3.4.1.2, §2.5.1). */
const META_TYPES = new Set([
  TYPE_ANY,
  250 /* TSIG */,
  41 /* OPT */,
  249 /* TKEY */,
  251 /* IXFR */,
  252 /* AXFR */,
  253,
  254,
]);

/** One record in presentation form: owner, TTL, class, type and RDATA, `separator` between. */
function recordLine(r: WireRecord, separator: string): string {
  const fields = [r.name.toString(), String(r.ttl), classToText(r.class), typeToText(r.type)];
  if (r.rdata.length) fields.push(formatRdata(r.type, r.rdata));
  return fields.join(separator);
}

/** A dynamic update for one zone. */
export class Update {
  /** The zone as given; `undefined` means "discover it" (an SOA query for the first owner). */
  readonly zone: string | undefined;
  readonly #origin: Name;
  /** Relative names resolve against this (the zone unless `options.origin` says otherwise). */
  readonly #relativeTo: Name;
  readonly #zoneClass: number;
  readonly #defaultTtl: number;
  readonly #prerequisites: WireRecord[] = [];
  readonly #updates: WireRecord[] = [];
  readonly #problems: string[] = [];

  /**
   * @param zone the zone to update (absolute or not: `example.com` and `example.com.` are the
   *   same). Omit it to let the client find the zone from the first owner name, as nsupdate
   *   does; names are then relative to the root.
   */
  constructor(zone?: string, options: UpdateOptions = {}) {
    this.zone = zone;
    const zoneClass = classFromText(options.class ?? 'IN');
    if (zoneClass === undefined || zoneClass === CLASS_NONE || zoneClass === CLASS_ANY) {
      this.#problems.push(`class ${JSON.stringify(options.class)}: not a zone class (IN, CH, HS)`);
    }
    this.#zoneClass = zoneClass ?? CLASS_IN;
    this.#defaultTtl = options.defaultTtl ?? 3600;
    if (!isTtl(this.#defaultTtl))
      this.#problems.push(`defaultTtl ${this.#defaultTtl}: not a TTL (0–2147483647)`);
    const origin = zone === undefined ? Ok(Name.root) : zoneName(zone);
    if (origin.isErr())
      this.#problems.push(`zone ${JSON.stringify(zone)}: ${origin.error.message}`);
    this.#origin = origin.isOk() ? origin.value : Name.root;
    this.#relativeTo = this.#origin;
    if (options.origin !== undefined) {
      const relativeTo = parseName(
        options.origin.endsWith('.') ? options.origin : `${options.origin}.`,
        Name.root,
      );
      if (relativeTo.isErr())
        this.#problems.push(
          `origin ${JSON.stringify(options.origin)}: ${relativeTo.error.message}`,
        );
      else this.#relativeTo = relativeTo.value;
    }
  }

  /** The zone name (root when it is to be discovered). */
  get origin(): Name {
    return this.#origin;
  }

  /** The zone's class number. */
  get zoneClass(): number {
    return this.#zoneClass;
  }

  /** Problems found while building; sending fails with all of them. */
  get problems(): readonly string[] {
    return this.#problems;
  }

  /** The prerequisite section as it will be sent. */
  get prerequisites(): readonly WireRecord[] {
    return this.#prerequisites;
  }

  /** The update section as it will be sent. */
  get updates(): readonly WireRecord[] {
    return this.#updates;
  }

  /** Prerequisite: `name` has no records at all (nsupdate `prereq nxdomain`), or no RRset of `type` (`nxrrset`). */
  absent(name: string, type?: string | number): this {
    return this.#meta('absent', this.#prerequisites, name, type, CLASS_NONE);
  }

  /**
   * Prerequisite: `name` has some record (`prereq yxdomain`), or an RRset of `type`
   * (`yxrrset`); or, given records, that RRset exists with exactly these records.
   */
  present(name: string, type?: string | number): this;
  present(records: readonly RecordInput[]): this;
  present(nameOrRecords: string | readonly RecordInput[], type?: string | number): this {
    if (typeof nameOrRecords === 'string') {
      return this.#meta('present', this.#prerequisites, nameOrRecords, type, CLASS_ANY);
    }
    for (const input of nameOrRecords) {
      const record = this.#record('present', input, false);
      if (record) this.#prerequisites.push({ ...record, ttl: 0, class: this.#zoneClass });
    }
    return this;
  }

  /** Adds records (RFC 2136 §2.5.1). */
  add(...records: RecordInput[]): this {
    for (const input of records) {
      const record = this.#record('add', input, true);
      if (record) this.#updates.push(record);
    }
    return this;
  }

  /** Replaces the RRsets of these records with exactly these records (delete RRset, then add). */
  replace(...records: RecordInput[]): this {
    const parsed = records.map((input) => this.#record('replace', input, true));
    const cleared = new Set<string>();
    for (const record of parsed) {
      if (!record) continue;
      const key = `${record.name.toCanonicalWire().toString('hex')}/${record.type}`;
      if (cleared.has(key)) continue;
      cleared.add(key);
      this.#updates.push({
        name: record.name,
        type: record.type,
        class: CLASS_ANY,
        ttl: 0,
        rdata: Buffer.alloc(0),
      });
    }
    for (const record of parsed) if (record) this.#updates.push(record);
    return this;
  }

  /** Deletes the RRset of `type` at `name` (§2.5.2). */
  deleteRRset(name: string, type: string | number): this {
    return this.#meta('deleteRRset', this.#updates, name, type, CLASS_ANY, true);
  }

  /** Deletes every RRset at `name` (§2.5.3). */
  deleteName(name: string): this {
    return this.#meta('deleteName', this.#updates, name, undefined, CLASS_ANY);
  }

  /** Deletes these records, leaving the rest of their RRsets (§2.5.4). */
  deleteRecord(...records: RecordInput[]): this {
    for (const input of records) {
      const record = this.#record('deleteRecord', input, false);
      if (record) this.#updates.push({ ...record, ttl: 0, class: CLASS_NONE });
    }
    return this;
  }

  /** The first owner name, for zone discovery: updates first, then prerequisites (as nsupdate). */
  firstOwner(): Name | undefined {
    return (this.#updates[0] ?? this.#prerequisites[0])?.name;
  }

  /** The message to send, with `zone` as found (or as given). */
  toMessage(id: number, zone: Name = this.#origin): Result<UpdateMessage, UpdateError> {
    if (this.#problems.length > 0) {
      return Err(
        new UpdateError({
          kind: 'invalid-update',
          message: `the update for ${this.zone ?? '(zone to discover)'} has ${this.#problems.length} problem(s): ${this.#problems.join('; ')}`,
          zone: this.zone ?? '',
        }),
      );
    }
    if (this.#updates.length === 0 && this.#prerequisites.length === 0) {
      return Err(
        new UpdateError({
          kind: 'invalid-update',
          message: 'the update is empty',
          zone: this.zone ?? '',
        }),
      );
    }
    return Ok({
      id,
      zone,
      zoneClass: this.#zoneClass,
      prerequisites: this.#prerequisites,
      updates: this.#updates,
    });
  }

  /** The update in nsupdate's `show` style: one line per record, section by section. */
  toString(): string {
    const lines = [
      `;; ZONE SECTION:\n;${this.#origin.toString()}\t\t\t${classToText(this.#zoneClass)}\tSOA`,
    ];
    const render = (r: WireRecord) => recordLine(r, '\t');
    if (this.#prerequisites.length)
      lines.push('', ';; PREREQUISITE SECTION:', ...this.#prerequisites.map(render));
    if (this.#updates.length) lines.push('', ';; UPDATE SECTION:', ...this.#updates.map(render));
    return lines.join('\n');
  }

  /**
   * What `util.inspect`, `console.log` and the REPL show: the zone, then the prerequisite and
   * update sections one record per line (as {@link Update.toString} writes them), then the
   * problems found while building, if any.
   */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    if (depth < 0) return options.stylize('[Update]', 'special');
    const line = (r: WireRecord) => recordLine(r, ' ');
    const sections = {
      zone: this.zone,
      prerequisites: this.#prerequisites.map(line),
      updates: this.#updates.map(line),
      ...(this.#problems.length ? { problems: [...this.#problems] } : {}),
    };
    const nested = { ...options, depth: options.depth === null ? null : depth };
    return `Update ${inspect(sections, nested)}`;
  }

  #meta(
    method: string,
    section: WireRecord[],
    name: string,
    type: string | number | undefined,
    recordClass: number,
    typeRequired = false,
  ): this {
    const owner = parseName(name, this.#relativeTo);
    if (owner.isErr()) {
      this.#problems.push(`${method}(${JSON.stringify(name)}): ${owner.error.message}`);
      return this;
    }
    let typeNumber = TYPE_ANY;
    if (type !== undefined || typeRequired) {
      const parsed = typeof type === 'number' ? type : typeFromText(String(type ?? ''));
      if (parsed === undefined || parsed < 1 || parsed > 65535 || META_TYPES.has(parsed)) {
        this.#problems.push(
          `${method}(${JSON.stringify(name)}, ${JSON.stringify(type)}): not a record type`,
        );
        return this;
      }
      typeNumber = parsed;
    }
    section.push({
      name: owner.value,
      type: typeNumber,
      class: recordClass,
      ttl: 0,
      rdata: Buffer.alloc(0),
    });
    return this;
  }

  #record(method: string, input: RecordInput, needTtl: boolean): WireRecord | undefined {
    // Only a problem needs the label: not made for every record.
    const label = () =>
      `${method}(${JSON.stringify(typeof input === 'string' ? input : input.name)})`;
    let record: { name: Name; ttl: number | undefined; class: number; type: number; rdata: Buffer };
    if (typeof input === 'string') {
      const parsed = parseRecord(input, {
        origin: this.#relativeTo,
        defaultClass: this.#zoneClass,
      });
      if (parsed.isErr()) {
        this.#problems.push(`${label()}: ${parsed.error.message}`);
        return undefined;
      }
      record = parsed.value;
    } else {
      const owner = parseName(input.name, this.#relativeTo);
      const type = typeof input.type === 'number' ? input.type : typeFromText(input.type);
      if (owner.isErr()) {
        this.#problems.push(`${label()}: ${owner.error.message}`);
        return undefined;
      }
      if (type === undefined) {
        this.#problems.push(`${label()}: unknown type ${JSON.stringify(input.type)}`);
        return undefined;
      }
      let rdata: Buffer;
      if (typeof input.data === 'string') {
        const parsed = parseRdata(type, input.data, this.#relativeTo);
        if (parsed.isErr()) {
          this.#problems.push(`${label()}: ${parsed.error.message}`);
          return undefined;
        }
        rdata = parsed.value;
      } else {
        rdata = Buffer.from(input.data);
      }
      record = { name: owner.value, ttl: input.ttl, class: this.#zoneClass, type, rdata };
    }
    if (record.class !== this.#zoneClass) {
      this.#problems.push(
        `${label()}: class ${classToText(record.class)} differs from the zone's ${classToText(this.#zoneClass)}`,
      );
      return undefined;
    }
    if (META_TYPES.has(record.type) || record.type < 1 || record.type > 65535) {
      this.#problems.push(`${label()}: type ${typeToText(record.type)} cannot be used in a record`);
      return undefined;
    }
    if (record.rdata.length > 65535) {
      this.#problems.push(`${label()}: record data longer than 65535 bytes`);
      return undefined;
    }
    const ttl = needTtl ? (record.ttl ?? this.#defaultTtl) : 0;
    if (!isTtl(ttl)) {
      this.#problems.push(`${label()}: TTL ${ttl} is not 0–2147483647`);
      return undefined;
    }
    return { name: record.name, type: record.type, class: record.class, ttl, rdata: record.rdata };
  }
}

/** Zones parsed lately: a client sending many updates names the same few zones each time. */
const ZONES = new Map<string, Name>();
const ZONES_KEPT = 64;

/** `zone` (absolute or not) as a name, from {@link ZONES} when it was parsed lately. */
function zoneName(zone: string): Result<Name, NameError> {
  const known = ZONES.get(zone);
  if (known) return Ok(known);
  const parsed = parseName(zone.endsWith('.') ? zone : `${zone}.`, Name.root);
  if (parsed.isOk()) {
    if (ZONES.size >= ZONES_KEPT) ZONES.clear();
    ZONES.set(zone, parsed.value);
  }
  return parsed;
}

function isTtl(ttl: number): boolean {
  return Number.isInteger(ttl) && ttl >= 0 && ttl <= 2_147_483_647;
}
