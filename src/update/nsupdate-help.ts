/**
 * What the `version` and `help` commands of an nsupdate script print. nsupdate prints its own
 * version (`nsupdate 9.18.49-…`) and, for `help`, that line with a colon and one line per command
 * (bin/nsupdate/nsupdate.c, BIND 9.16-9.20). The runner prints the same shape: its version line,
 * and a listing of the commands it runs (GSS-TSIG's `gsstsig`, `oldgsstsig` and `realm` are not
 * among them), in its own words and in nsupdate's two-column layout.
 */

/** One row of the `help` listing: the syntax (26 columns wide) and what it does. */
const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ['local address [port]', 'source address and port of the updates'],
  ['server address [port]', 'where to send the updates'],
  ['send', 'send the pending prerequisites and updates'],
  ['show', 'print the pending update message'],
  ['answer', 'print the reply to the last update'],
  ['quit', 'stop here; pending changes are not sent'],
  ['help', 'print this list'],
  ['version', 'print the version'],
  ['key [hmac:]keyname secret', 'sign the updates with this TSIG key'],
  ['zone name', 'the zone to update'],
  ['class CLASS', 'class of the zone and records; IN by default'],
  ['ttl seconds', 'TTL of added records without one'],
  ['check-names { on | off }', 'check host names of owners and data'],
  ['[prereq] nxdomain name', 'the name must have no records'],
  ['[prereq] yxdomain name', 'the name must have records'],
  ['[prereq] nxrrset ....', 'the RRset must not exist'],
  ['[prereq] yxrrset ....', 'the RRset must exist, with this data if given'],
  ['[update] add ....', 'add a record'],
  ['[update] del[ete] ....', 'delete records: a name, an RRset or one record'],
];

/** The `help` text, after `versionLine` (e.g. `rndc-js 1.2.0`) and a colon, as nsupdate's. */
export function nsupdateHelpText(versionLine: string): string {
  const rows = COMMANDS.map(([syntax, what]) => `${syntax.padEnd(26)}(${what})\n`);
  return `${versionLine}:\n${rows.join('')}`;
}
