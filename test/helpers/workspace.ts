/** A temporary directory with a job file and helpers to query the database it names. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '@duckdb/node-api';
import { Database } from '../../src/store/database.js';

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'kubetrail-test-'));
  readonly job = join(this.dir, 'job.yaml');
  readonly db = join(this.dir, 'kt.duckdb');

  /** Write the job file: `clusters` is YAML text (a list) appended after the database line. */
  writeJob(clusters: string, extra = ''): string {
    writeFileSync(this.job, `database: kt.duckdb\n${extra}clusters:\n${clusters}`);
    return this.job;
  }

  file(name: string, content: string | Buffer): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }

  /** Rows of a read-only query on the workspace database. */
  async query(sql: string, params: Json[] = []): Promise<Record<string, Json>[]> {
    const db = await Database.open(this.db, { readOnly: true });
    const conn = await db.connect();
    try {
      const reader = await conn.runAndReadAll(sql, params as never);
      // JSON columns arrive as text: parse them so tests compare values, not spellings.
      const jsonCols = reader.columnNames().filter((_, i) => reader.columnTypes()[i]?.alias === 'JSON');
      return reader.getRowObjectsJson().map((row) => {
        for (const c of jsonCols) if (typeof row[c] === 'string') row[c] = JSON.parse(row[c] as string) as Json;
        return row;
      });
    } finally {
      conn.closeSync();
      db.close();
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The public audit-log samples (never copied into this repository): $KUBETRAIL_SHARED_DATA, or
 * ../shared/data next to the checkout (where CI has them), or the workplace's copy.
 */
export const SHARED_DATA = ((): string => {
  const candidates = [process.env.KUBETRAIL_SHARED_DATA, join(import.meta.dirname, '..', '..', '..', 'shared', 'data'), '/work/shared/data'];
  const found = candidates.find((c) => c && existsSync(join(c, 'README.md')));
  if (!found) throw new Error(`the shared audit-log samples are not at ${candidates.filter(Boolean).join(' or ')}: set KUBETRAIL_SHARED_DATA`);
  return found;
})();
