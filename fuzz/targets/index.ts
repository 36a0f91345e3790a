/** Every fuzz target, by name. */
import { configLexer } from './config-lexer.js';
import { dnsReply } from './dns-reply.js';
import { isccc } from './isccc.js';
import { keyFile } from './key-file.js';
import { namedLog } from './named-log.js';
import { nsupdate } from './nsupdate.js';
import { rndcConf } from './rndc-conf.js';
import type { FuzzTarget } from './types.js';
import { xfrStream } from './xfr-stream.js';
import { zonefileSerial } from './zonefile-serial.js';

export const targets: readonly FuzzTarget[] = [
  isccc,
  dnsReply,
  rndcConf,
  keyFile,
  configLexer,
  nsupdate,
  zonefileSerial,
  namedLog,
  xfrStream,
];
