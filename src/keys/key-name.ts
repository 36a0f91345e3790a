/**
 * TSIG key names are domain names (RFC 8945 §4.2: the TSIG record's owner). named-checkconf and
 * `nsupdate -k` refuse a key whose name is not one (`bad key name`, `dns_name_fromtext: empty
 * label`), and treat `k` and `k.` as the same key (`key 'k.': already exists`), BIND 9.16-9.20.
 * rndc does not look at the name (the control channel never sends it), so rndc.conf keeps any.
 */
import { Name, parseName } from '../update/names.js';
import { asciiLower } from './problems.js';

/** Why `name` is not a valid key name (`empty label`, `label too long`…), or undefined. */
export function keyNameProblem(name: string): string | undefined {
  const parsed = parseName(name, Name.root);
  if (parsed.isOk()) return undefined;
  return parsed.error.kind.replaceAll('-', ' ');
}

/** The identity of a key name: absolute, ASCII case folded (`K` = `k.`). */
export function keyNameId(name: string): string {
  const parsed = parseName(name, Name.root);
  return asciiLower(parsed.isOk() ? parsed.value.toString() : name);
}
