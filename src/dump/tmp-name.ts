/**
 * The name named gives the temporary file of a dump: `tmp-` and ten letters or digits, from the
 * template `tmp-XXXXXXXXXX`, created next to the zone file and renamed over it when the dump
 * succeeds (masterdump.c, BIND 9.16–9.20). A failed dump leaves it behind.
 */
const NAMED_TMP_FILE = /^tmp-[A-Za-z0-9]{10}$/;

/** Whether a directory entry's name is one of named's dump temp files. */
export function isNamedTmpFile(name: string): boolean {
  return NAMED_TMP_FILE.test(name);
}
