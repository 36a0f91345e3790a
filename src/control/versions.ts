/**
 * The BIND version a control channel talks to, as named states it in the `version:` line of its
 * `status` text (`named_server_status()` in bin/named/server.c, the same line in 9.16, 9.18 and
 * 9.20). Pure: no I/O. The client learns it from an authenticated `status` reply and caches it
 * per connection (see `RndcClient.serverVersion`).
 */

/** A BIND release, from `status`. */
export interface ServerVersion {
  /** Major version (9). */
  readonly major: number;
  /** Minor version: the release series (16, 18, 20…). */
  readonly minor: number;
  /** Patch level (`50` of 9.16.50). */
  readonly patch: number;
  /** `major.minor`, e.g. `9.20`: the series whose behaviour tables apply. */
  readonly series: string;
  /** `major.minor.patch`, e.g. `9.20.23`. */
  readonly number: string;
  /** The whole product string, e.g. `BIND 9.20.23-1~deb13u1~bpo12+1-Debian (Stable Release)`. */
  readonly text: string;
}

/**
 * Reads a version from the text after `version: ` (or from `BIND 9.18.49…` alone).
 *
 * @param text - the product string, e.g. `BIND 9.16.50-Debian (Extended Support Version)`
 * @returns the version, or `undefined` when the text does not start with `BIND <n>.<n>.<n>`
 */
export function parseVersionText(text: string): ServerVersion | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^BIND (\d{1,4})\.(\d{1,4})\.(\d{1,6})(?![\d])/.exec(text);
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return {
    major,
    minor,
    patch,
    series: `${major}.${minor}`,
    number: `${major}.${minor}.${patch}`,
    text: text.length > 200 ? text.slice(0, 200) : text,
  };
}

/**
 * The version named reports in a `status` text: the first line that starts with `version: `.
 *
 * @param statusText - `_data.text` of the reply to `status`
 * @returns the version, or `undefined` when the text has no parsable version line
 */
export function versionFromStatus(statusText: string): ServerVersion | undefined {
  if (typeof statusText !== 'string') return undefined;
  for (const line of statusText.slice(0, 4096).split('\n')) {
    if (line.startsWith('version: ')) return parseVersionText(line.slice('version: '.length));
  }
  return undefined;
}

/**
 * Compares a version with a release number written `9.20` or `9.20.3`.
 *
 * @returns negative when `version` is older than `release`, 0 when equal (to the precision
 *   given), positive when newer
 */
export function compareVersion(
  version: Pick<ServerVersion, 'major' | 'minor' | 'patch'>,
  release: string,
): number {
  const [major = 0, minor = 0, patch] = release.split('.').map(Number);
  if (version.major !== major) return version.major - major;
  if (version.minor !== minor) return version.minor - minor;
  return patch === undefined ? 0 : version.patch - patch;
}
