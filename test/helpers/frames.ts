// Splits a TCP byte stream into control-channel frames (4-byte length + body) for the test
// proxies. Deliberately not the library's FrameAssembler: a proxy must pass on frames the library
// would refuse, and must not share a bug with the code under test.

/**
 * Returns a `data` handler that calls `onFrame` with each complete frame (a copy, length field
 * included) in order. Calling `stop()` drops the rest of the stream.
 */
export function frameSplitter(
  onFrame: (frame: Buffer, index: number, stop: () => void) => void,
): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let index = 0;
  let stopped = false;
  return (chunk) => {
    if (stopped) return;
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const total = pending.readUInt32BE(0) + 4;
      if (pending.length < total) break;
      const frame = Buffer.from(pending.subarray(0, total));
      pending = pending.subarray(total);
      onFrame(frame, index++, () => {
        stopped = true;
      });
      if (stopped) return;
    }
  };
}
