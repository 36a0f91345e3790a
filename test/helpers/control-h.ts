/**
 * The NAMED_COMMAND_* words of BIND's bin/named/include/named/control.h at each release the
 * project supports (tags v9.16.50, v9.18.49, v9.20.23): what each named accepts on the control
 * channel. The catalog tests compare the library's command table with these lists.
 */

const COMMON = [
  'addzone',
  'delzone',
  'dnssec',
  'dnstap',
  'dnstap-reopen',
  'dumpdb',
  'flush',
  'flushname',
  'flushtree',
  'freeze',
  'halt',
  'loadkeys',
  'managed-keys',
  'modzone',
  'notify',
  'notrace',
  'nta',
  'null',
  'querylog',
  'reconfig',
  'recursing',
  'refresh',
  'reload',
  'retransfer',
  'scan',
  'secroots',
  'serve-stale',
  'showzone',
  'sign',
  'signing',
  'stats',
  'status',
  'stop',
  'sync',
  'tcp-timeouts',
  'testgen',
  'thaw',
  'trace',
  'unfreeze',
  'validation',
  'zonestatus',
];
/** control.h at v9.16.50 and at v9.18.49 (the same 44 words). */
export const CONTROL_H_916_918 = [...COMMON, 'timerpoke', 'tsig-delete', 'tsig-list'];
/** control.h at v9.20.23. */
export const CONTROL_H_920 = [
  ...COMMON,
  'fetchlimit',
  'memprof',
  'reset-stats',
  'responselog',
  'skr',
];
