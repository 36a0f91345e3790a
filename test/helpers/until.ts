/**
 * Waits until `check` holds, polling every `everyMs`, and fails with `timed out waiting for
 * <what>` after `ms`: a deadline on evidence, never a fixed sleep.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
