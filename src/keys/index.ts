/**
 * Keys and configuration: the `Key` type, key files (rndc.key, tsig-keygen output, named.conf
 * fragments), nsupdate-style key strings and `nsupdate -k` files (incl. K* pairs), rndc.conf, and the rndc tool's rules for choosing
 * server, port and key.
 */
export {
  loadRndcConf,
  type ParseRndcConfOptions,
  parseRndcConf,
  type RndcConf,
  type RndcOptions,
  type RndcServer,
  type RndcServerAddress,
} from './config.js';
export { HMAC_ALGORITHMS, type HmacAlgorithm, Key, type KeySpec } from './key.js';
export type { WarningSink } from './keyblock.js';
export {
  KEY_STRING_DEFAULT_ALGORITHM,
  type ParseKeyFileOptions,
  type ParseKeyTextOptions,
  parseKeyFile,
  parseKeyString,
  parseKeyText,
  pickKey,
} from './keyfile.js';
export type { IncludeOptions } from './load.js';
export {
  DNSSEC_HMAC_ALGORITHMS,
  type DnssecKeyPairPaths,
  dnssecKeyPairPaths,
  type LoadNsupdateKeyOptions,
  loadNsupdateKey,
  type ParseDnssecKeyPairOptions,
  parseDnssecKeyPair,
  parseDnssecKeyPairText,
} from './nsupdate-key.js';
export type { ReadFileFn } from './read.js';
export {
  DEFAULT_RNDC_CONF,
  DEFAULT_RNDC_KEY,
  type ResolveRndcTargetOptions,
  type RndcTarget,
  type RndcTargetAddress,
  resolveRndcTarget,
} from './resolve.js';
