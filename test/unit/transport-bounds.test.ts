// What the update transport keeps about a hostile server's bytes is bounded: ignored replies are
// a count and a few distinct reasons, and TCP frames are reassembled in one buffer of their
// announced size (no growing concatenation of trickled bytes).
import { expect, it } from 'vitest';
import { FrameReader, IGNORED_SAMPLE_SIZE, IgnoredReplies } from '../../src/update/transport.js';

it('IgnoredReplies keeps a count and at most a few distinct reasons, however many replies come', () => {
  const ignored = new IgnoredReplies();
  for (let i = 0; i < 1_000_000; i++) ignored.add(`reason ${i % 1000}`);
  expect(ignored.count).toBe(1_000_000);
  expect(ignored.sample).toHaveLength(IGNORED_SAMPLE_SIZE);
  expect(new Set(ignored.sample).size).toBe(IGNORED_SAMPLE_SIZE);
  const same = new IgnoredReplies();
  for (let i = 0; i < 10; i++) same.add('a TCP reply with another message ID');
  expect(same.sample).toEqual(['a TCP reply with another message ID']);
  expect(same.count).toBe(10);
});

const framed = (body: Buffer) => {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(body.length);
  return Buffer.concat([prefix, body]);
};

it('FrameReader: a 65,535-byte frame trickled one byte at a time comes out whole, once', () => {
  const body = Buffer.alloc(65_535);
  for (let i = 0; i < body.length; i++) body[i] = i & 0xff;
  const stream = framed(body);
  const reader = new FrameReader();
  const frames: Buffer[] = [];
  for (let i = 0; i < stream.length; i++)
    reader.push(stream.subarray(i, i + 1), (frame) => frames.push(frame) > 0);
  expect(frames).toHaveLength(1);
  expect(frames[0]!.equals(body)).toBe(true);
});

it('FrameReader: many frames in one chunk, empty frames, a split length prefix, and stop', () => {
  const reader = new FrameReader();
  const frames: Buffer[] = [];
  const chunk = Buffer.concat([
    framed(Buffer.from('ab')),
    framed(Buffer.alloc(0)),
    framed(Buffer.from('xyz')),
  ]);
  // The prefix of the last frame split across two pushes.
  reader.push(chunk.subarray(0, chunk.length - 4), (frame) => frames.push(frame) > 0);
  reader.push(chunk.subarray(chunk.length - 4), (frame) => frames.push(frame) > 0);
  expect(frames.map((f) => f.toString())).toEqual(['ab', '', 'xyz']);
  const stopped: Buffer[] = [];
  new FrameReader().push(chunk, (frame) => {
    stopped.push(frame);
    return false;
  });
  expect(stopped).toHaveLength(1);
});
