/**
 * A file's identity that survives renames and compression: the hash of its first line (decompressed).
 * An audit log's first line holds a unique audit ID, so `audit.log`, `audit.log.1` and `audit.log.1.gz`
 * of the same content share it, and a rotated file is never read twice. Files whose first line is short
 * (pretty-printed JSON, tiny samples) are identified by their first 4 KiB instead.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync, createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { isGzip } from './read-lines.js';

const HEAD_BYTES = 64 * 1024;
const SHORT_LINE = 64;

/** The first bytes of the (decompressed) file. */
export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  if (!isGzip(path)) {
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.alloc(bytes);
      const n = readSync(fd, b, 0, bytes, 0);
      return b.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }
  const parts: Buffer[] = [];
  let got = 0;
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  const gunzip = createGunzip();
  try {
    for await (const chunk of file.pipe(gunzip) as AsyncIterable<Buffer>) {
      parts.push(chunk);
      got += chunk.length;
      if (got >= bytes) break;
    }
  } catch {
    // a truncated gzip still has a readable head
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

export interface Fingerprint {
  id: string;
  /** False when the first line is still being written (no newline yet). */
  settled: boolean;
}

export async function fingerprint(path: string): Promise<Fingerprint> {
  const head = await readHead(path);
  const nl = head.indexOf(0x0a);
  const firstLine = nl === -1 ? head : head.subarray(0, nl);
  const basis = firstLine.length >= SHORT_LINE ? firstLine : head.subarray(0, 4096);
  return {
    id: createHash('sha256').update(basis).digest('hex').slice(0, 32),
    settled: nl !== -1 || head.length >= HEAD_BYTES,
  };
}

export function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const b = Buffer.allocUnsafe(1024 * 1024);
    let n: number;
    while ((n = readSync(fd, b, 0, b.length, null)) > 0) chunks.push(Buffer.from(b.subarray(0, n)));
    const all = Buffer.concat(chunks);
    return all[0] === 0x1f && all[1] === 0x8b ? gunzipSync(all) : all;
  } finally {
    closeSync(fd);
  }
}
