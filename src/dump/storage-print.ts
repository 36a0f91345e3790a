/**
 * A fingerprint of what decides whether named can keep a zone's next change: the journal (is it
 * there, which inode, its owner, mode and ctime) and the directories it lives in (inode, owner,
 * mode, whether their file system has a free inode).
 *
 * Why: verification starts the storage diagnosis while it waits for named's rename, so that the
 * proof is not delayed by it (tens of milliseconds: `rndc status`, /proc, child processes). A
 * diagnosis taken before the rename may only be used after it when nothing it judged changed in
 * between; two equal prints say so. A journal replaced (named compacting it after its dump
 * renames a new one over it), removed, created, chmod-ed or chown-ed changes the print. So does a
 * change of its ACL or attributes, which moves its ctime past its mtime; a plain write (named
 * appending an UPDATE) sets both to the same time and leaves the print as it was, so updates
 * between two verifications do not force a new diagnosis. Directories' ctimes are left out: the
 * rename being waited for changes them.
 */
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The print of `journalFile` and of its directory (and the zone file's, when another). */
export async function storagePrint(zoneFile: string, journalFile: string): Promise<string> {
  const dirs = [...new Set([dirname(zoneFile), dirname(journalFile)])];
  const parts = await Promise.all([
    stat(journalFile, { bigint: true }).then(
      (st) =>
        `journal ${st.dev}:${st.ino} ${st.mode} ${st.uid}:${st.gid} ${st.ctimeNs === st.mtimeNs ? 'last changed by a write' : `changed ${st.ctimeNs}`}`,
      (error: NodeJS.ErrnoException) => `journal ${error.code ?? 'error'}`,
    ),
    ...dirs.map(async (dir) => {
      const [st, fs] = await Promise.all([
        stat(dir).catch((error: NodeJS.ErrnoException) => error.code ?? 'error'),
        statfs(dir).catch(() => undefined),
      ]);
      const facts =
        typeof st === 'string' ? st : `${st.dev}:${st.ino} ${st.mode} ${st.uid}:${st.gid}`;
      return `dir ${dir} ${facts} inodes ${fs === undefined ? '?' : fs.ffree >= 2}`;
    }),
  ]);
  return parts.join('\n');
}
