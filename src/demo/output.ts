/** Writing the dataset: per-cluster directories, files dated like the exports they imitate. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative } from 'node:path';

export interface WrittenFile {
  path: string;
  /** Records (lines or array items) that carry audit events. */
  records: number;
  bytes: number;
}

export class ClusterOutput {
  readonly files: WrittenFile[] = [];

  constructor(readonly root: string, readonly dir: string) {
    mkdirSync(join(root, dir), { recursive: true });
  }

  /**
   * Write a file; its modification time is set to `mtimeUs` (the last record in it) so that a reader
   * that orders files by age, as rotation does, sees them in the order they were written.
   */
  write(name: string, text: string, records: number, mtimeUs: number, gzip = false): void {
    const path = join(this.root, this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    const data = gzip ? gzipSync(text, { level: 6 }) : Buffer.from(text);
    writeFileSync(path, data);
    const mtime = new Date(Math.floor(mtimeUs / 1000));
    utimesSync(path, mtime, mtime);
    this.files.push({ path: relative(this.root, path), records, bytes: data.length });
  }
}

export const jsonLines = (items: readonly unknown[]): string => items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : '');
