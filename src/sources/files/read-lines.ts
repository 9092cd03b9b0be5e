/**
 * Streaming a log file as lines of bytes, gzip or not (by magic number, not name), from a byte offset
 * in the decompressed stream. Lines are handed out as slices of the read buffers: no copies, no decoding.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { MAX_RECORD_BYTES } from '../../normalise/normalise.js';

export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface LineHandler {
  /** A complete line (without \n or \r\n); `line` is 1-based. */
  line(buf: Buffer, start: number, end: number, line: number): void | Promise<void>;
  /** A line longer than the limit: only its head is passed. */
  tooLong(head: Buffer, bytes: number, line: number): void;
}

export interface ReadResult {
  /** Decompressed bytes consumed, up to and including the last newline handed out. */
  offset: number;
  /** Number of the last line handed out. */
  line: number;
  /** Bytes after the last newline that were not handed out (an unterminated last line). */
  tailBytes: number;
  blankLines: number;
}

export interface ReadOptions {
  offset?: number;
  line?: number;
  /** Hand out a last line that has no newline (import: yes; a live file being written: no). */
  takeUnterminated: boolean;
  /** Called between read chunks, e.g. to checkpoint; receives the position so far. */
  between?: (pos: { offset: number; line: number }) => Promise<void>;
}

export async function readLines(path: string, handler: LineHandler, opts: ReadOptions): Promise<ReadResult> {
  const gz = isGzip(path);
  const startOffset = opts.offset ?? 0;
  const file = createReadStream(path, { highWaterMark: 1024 * 1024, start: gz ? 0 : startOffset });
  const stream = gz ? file.pipe(createGunzip({ chunkSize: 1024 * 1024 })) : file;
  let pos = gz ? 0 : startOffset; // decompressed position of the next byte in `chunk`
  let skip = gz ? startOffset : 0; // gzip cannot seek: decompress and drop
  let consumed = startOffset;
  let lineNo = opts.line ?? 0;
  let blank = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overLong = false;

  const emit = async (buf: Buffer, start: number, end: number): Promise<void> => {
    lineNo++;
    if (end > start && buf[end - 1] === 0x0d) end--;
    let s = start;
    while (s < end && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
    if (s === end) {
      blank++;
      return;
    }
    await handler.line(buf, start, end, lineNo);
  };

  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (skip > 0) {
        if (chunk.length <= skip) {
          skip -= chunk.length;
          pos += chunk.length;
          continue;
        }
        chunk = chunk.subarray(skip);
        pos += skip;
        skip = 0;
      }
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
        if (carryBytes > 0 || overLong) {
          if (overLong) {
            lineNo++;
            handler.tooLong(Buffer.concat(carry), carryBytes + nl - start, lineNo);
          } else {
            const whole = Buffer.concat([...carry, chunk.subarray(start, nl)]);
            await emit(whole, 0, whole.length);
          }
          carry = [];
          carryBytes = 0;
          overLong = false;
        } else {
          await emit(chunk, start, nl);
        }
        start = nl + 1;
        consumed = pos + start;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (!overLong && carryBytes + rest.length > MAX_RECORD_BYTES) {
          overLong = true;
          if (carryBytes === 0) carry = [Buffer.from(rest.subarray(0, 4096))];
        } else if (!overLong) carry.push(rest);
        carryBytes += rest.length;
      }
      pos += chunk.length;
      if (opts.between) await opts.between({ offset: consumed, line: lineNo });
    }
  } finally {
    file.destroy();
  }
  let tail = carryBytes;
  if (carryBytes > 0 && opts.takeUnterminated) {
    if (overLong) {
      lineNo++;
      handler.tooLong(Buffer.concat(carry), carryBytes, lineNo);
    } else {
      const whole = Buffer.concat(carry);
      await emit(whole, 0, whole.length);
    }
    consumed += carryBytes;
    tail = 0;
  }
  return { offset: consumed, line: lineNo, tailBytes: tail, blankLines: blank };
}
