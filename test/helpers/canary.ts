/**
 * The canary secret: test/setup/canary.ts makes every key `startNamed()` creates start with it
 * (through `RNDC_TESTING_KEY_SECRET`, see `keySecretPrefix`), and every surface a secret could
 * leak to is scanned for it.
 */

/** The canary's bytes, readable if they ever leak raw. */
export const CANARY_TEXT = 'CANARY-rndc-test-secret-do-not-leak-0001';
export const CANARY_BYTES: Buffer = Buffer.from(CANARY_TEXT, 'latin1');
/** The canary as a key secret (base64, as in `secret "…";`). */
export const CANARY_SECRET: string = CANARY_BYTES.toString('base64');

/** A named encoding of a secret to look for. The `text` itself must never be printed. */
export interface SecretForm {
  readonly form: string;
  readonly text: string;
}

/**
 * The forms a leaked secret could take: raw latin1, hex (both cases), base64 and base64url (with
 * and without padding), and the stable middle of base64/base64url when the secret sits at any of
 * the three byte alignments inside a longer encoded buffer.
 */
export function secretForms(bytes: Buffer): SecretForm[] {
  const forms: SecretForm[] = [
    { form: 'latin1', text: bytes.toString('latin1') },
    { form: 'hex', text: bytes.toString('hex') },
    { form: 'HEX', text: bytes.toString('hex').toUpperCase() },
    { form: 'base64', text: bytes.toString('base64') },
    { form: 'base64url', text: bytes.toString('base64url') },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // The first 4 characters mix in the leading bytes, the last 4 the following ones.
    const middle = b64.slice(4, -4);
    forms.push({ form: `base64 (alignment ${shift})`, text: middle });
    forms.push({
      form: `base64url (alignment ${shift})`,
      text: middle.replace(/\+/g, '-').replace(/\//g, '_'),
    });
  }
  // A truncated leak still shows its first 16 bytes.
  const head = bytes.subarray(0, 16);
  forms.push({ form: 'hex of the first 16 bytes', text: head.toString('hex') });
  forms.push({ form: 'latin1 of the first 16 bytes', text: head.toString('latin1') });
  forms.push({
    form: 'base64 of the first 15 bytes',
    text: bytes.subarray(0, 15).toString('base64'),
  });
  // Bytes printed as bytes: `<Buffer 43 41 …>` (inspect), `[ 67, 65, … ]` (Uint8Array inspect),
  // `"data":[67,65,…]` (JSON of a Buffer).
  forms.push({
    form: 'Buffer inspect',
    text: [...head].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  });
  const decimals = [...bytes.subarray(0, 12)];
  forms.push({ form: 'byte list', text: decimals.join(', ') });
  forms.push({ form: 'JSON byte array', text: decimals.join(',') });
  return forms;
}

export const CANARY_FORMS: readonly SecretForm[] = secretForms(CANARY_BYTES);

/** The names of the forms of `forms` found in `text` (empty when clean). Never the secret. */
export function leakedForms(text: string, forms: readonly SecretForm[] = CANARY_FORMS): string[] {
  return forms.filter((f) => f.text.length > 0 && text.includes(f.text)).map((f) => f.form);
}
