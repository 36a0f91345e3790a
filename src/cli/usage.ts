/** Usage text of `rndc-js`, and the usage-error line. */
import { type CliIo, PROGRAM } from './io.js';

export const USAGE = `Usage: ${PROGRAM} [-b address] [-c config] [-k key-file] [-s server] [-p port]
              [-y key] [-q] [-r] [-t timeout] [-V] [-4 | -6] [--json] COMMAND [ARGS…]
       ${PROGRAM} [OPTIONS] -  |  ${PROGRAM} [OPTIONS] --batch FILE

Any rndc command (status, zonestatus ZONE, reload, freeze, thaw, sync, …) runs as with rndc:
same configuration files, same output, exit 1 on failure.

Batch mode (- reads standard input): one rndc command per line, all over one connection, each
reply printed as rndc prints it (--json: one JSON object per line); blank and # lines skipped.
Exit 0 when every line succeeded, else 1.

Commands of ${PROGRAM} itself:
  sync ZONE [class [view]] --verify [--clean] [VERIFY OPTIONS]
  freeze ZONE [class [view]] --verify [VERIFY OPTIONS]
      send the command, wait until the zone file on disk holds the served serial, print the
      evidence. Exit 0 written, 1 failed, 3 not proven before the deadline.
  sync --verify [--clean] [VERIFY OPTIONS]   freeze --verify [VERIFY OPTIONS]
      without a zone: every zone named.conf configures, each proven (--clean: the journals of
      the zones proven only); a table, failures on stderr. --wait: the whole deadline (60 s).
      Exit 0 all proven, 1 any failed, 3 some not proven.
  sync [-clean] ZONE [class [view]] [VERIFY OPTIONS]
      -clean (or --clean) always verifies first: the journal is deleted only after the dump is
      proven; otherwise it is kept and the exit status is 1 (3 not proven).
      --unverified-clean-may-lose-journal sends rndc's raw sync -clean (journal deleted before
      the dump is written; a failed dump then loses every update at the next restart).
      VERIFY OPTIONS: --named-log PATH  --named-dir DIR  --named-conf PATH  --named-pid PID
                      [--trust-named-pid]  --named-binary PATH  --zone-file PATH
                      --wait SECONDS (default 10)
  doctor [ZONE [class [view]] | --zone-file PATH] [--named-pid PID [--trust-named-pid]]
         [--named-user USER] [--named-conf PATH] [--named-dir DIR] [--named-binary PATH]
      why named cannot write the zone to disk, with remedies. Exit 0 healthy, 1 problems, 2
      could not diagnose. --named-binary: named's executable when not /usr/sbin/named or
      /usr/local/sbin/named (the program itself, not a wrapper script; root-owned), against
      which named's process is verified.
  clean-tmp ZONE [class [view]] [--dry-run] [--named-dir DIR] [--named-conf PATH]
            [--zone-file PATH]
      remove the tmp-XXXXXXXXXX leftovers of failed dumps, only once the zone file is proven to
      hold the served serial, only older ones of this zone; prints what was removed and kept.
      Exit 0 done, 1 kept because not proven current (or a removal failed), 2 could not examine.
  triggers
      the table of operations that make named write zone files, and when.
  update [ARGS…]
      send a TSIG-signed dynamic update (see ${PROGRAM} update --help).
  recover ZONE [class [view]] [--out PATH] [--from auto|tmp|axfr] [-k keyfile | -y key]
          [--dns-server ADDR] [--dns-port PORT] [--checkzone PATH | --no-checkzone]
          [--named-dir DIR] [--named-conf PATH] [--zone-file PATH] [--journal PATH] [--wait SECONDS]
      when named cannot write the zone file: save what it serves to a new file (default
      ./ZONE.recovered-SERIAL.zone) from the newest tmp file with the served serial, else by
      AXFR (-k/-y: TSIG key allow-transfer wants), proven by serial and named-checkzone. Never
      overwrites the zone file; prints the next steps. Exit 0 recovered, 1 not.
  -s SERVER -s SERVER… COMMAND…  |  --fleet FILE COMMAND…  [--concurrency N]
      fleet mode: the command on every server (each -s is NAME, HOST:PORT or [V6]:PORT; a
      fleet file is JSON, see docs/cli.md), one result per server and a summary; sync/freeze
      ZONE --verify prove each server's file. Exit 0 all succeeded, 1 any failed.
  explain [FILE|-] [--wait SECONDS]
      read named's log (a file, or standard input: kubectl logs, stern, a k9s paste) and say
      per zone which dumps, journals or updates fail, since when, how often, the likely cause
      and the remedy, with the lines. Exit 0 nothing wrong found, 1 problems explained, 2 the
      log could not be read. A stream is read to its end or --wait (default 60 s).
  transfer ZONE [-s SERVER] [-p PORT] [-k KEYFILE | -y KEY] [--ixfr SERIAL]
           [--format zone|json]
      zone transfer from a DNS server (default 127.0.0.1 port 53): AXFR printed as a zone file
      named-checkzone accepts, streamed; --ixfr SERIAL asks for the changes since SERIAL (del/add
      lines). -k/-y: TSIG key (every message verified). -t bounds the whole transfer. Exit 0
      complete, 1 failed (a partial zone ends with '; INCOMPLETE').
  propagation ZONE --server HOST[:PORT][,key=FILE|,unsigned] … [--primary HOST[:PORT]] [--serial N]
              [-k keyfile | -y key] [--wait SECONDS [--quorum N] [--nudge]] [--content] [--tcp]
      ask each server (directly, no recursion) which serial of ZONE it serves: served, stale,
      diverged (--content: same serial, other records than the primary), unreachable, refused,
      tsig-error, not-authoritative or lame. The target is --serial, else the serial of
      --primary, else of the first --server. --wait: until all (or --quorum) serve it; --nudge:
      rndc notify on the primary (rndc-js's -c/-s/-p) when a server is behind. Exit 0
      all (or the quorum) serve it, 1 not, 2 no target serial (the primary did not answer).
  watch [--listen HOST:PORT] [ZONE…] [--named-conf PATH] [--named-log PATH] [--named-dir DIR]
        [--statistics URL] [--max-lag SECONDS]
        [--secondary HOST[:PORT][,key=FILE|,unsigned] …] [--secondary-key FILE]
        [--discover-secondaries [--primary-dns HOST[:PORT]] [--secondary-port PORT]]
        [--secondary-timeout SECONDS] [--ready-with-secondaries [--max-secondary-lag SECONDS]]
        [--v8-defaults]
      zone durability for Prometheus: /metrics, /healthz, /readyz (default 127.0.0.1:9119),
      until SIGINT/SIGTERM. All zones of named.conf (and of --statistics) unless ZONEs are
      given. --secondary (every zone), --discover-secondaries (each zone's NS set): each
      secondary's serial lag (SOA queries signed with --secondary-key, or a secondary's own
      ,key=FILE). See docs/watch.md.

Options:
  -b address   source address          -c config    rndc.conf (default /etc/bind/rndc.conf)
  -k key-file  key file without rndc.conf (default /etc/bind/rndc.key)
  -s server    server                  -p port      control port (default 953)
  -y key       key name from rndc.conf -t timeout   seconds (default 60)
  -q           quiet                   -r           print the result code
  -V           verbose (never prints key material)
  -4, -6       only IPv4 (IPv6) addresses of the server
  --json       one JSON document on stdout (see docs/cli.md)
  -h           this text on stderr     --help       this text on stdout
  --version    the version of ${PROGRAM}
`;

/** `rndc-js: <what is wrong>` and a hint, on stderr; exit status 1 (rndc exits 1 on usage errors). */
export function usageError(io: CliIo, message: string, command?: string): number {
  io.stderr.write(`${PROGRAM}: ${message}\n`);
  io.stderr.write(
    `Try '${PROGRAM} ${command === 'update' ? 'update --help' : '--help'}' for usage.\n`,
  );
  return 1;
}
