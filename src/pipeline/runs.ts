/** The `runs` table: one row per kubetrail invocation that changes the database, with its counts and errors. */
import { randomBytes } from 'node:crypto';
import type { Database } from '../store/database.js';
import type { LandCounts } from '../store/land.js';
import { VERSION } from '../version.js';

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export interface RunError {
  cluster?: string;
  step: string;
  message: string;
}

export async function startRun(db: Database, runId: string, command: string, configPath: string | null): Promise<void> {
  const conn = await db.connect();
  try {
    await conn.run(
      `INSERT INTO runs (run_id, command, started_at, status, config_path, version) VALUES ($1, $2, now(), 'running', $3, $4)`,
      [runId, command, configPath, VERSION],
    );
  } finally {
    conn.closeSync();
  }
}

export async function finishRun(
  db: Database,
  runId: string,
  status: 'ok' | 'partial' | 'failed',
  totals: LandCounts,
  extra: Record<string, unknown>,
  errors: RunError[],
): Promise<void> {
  const conn = await db.connect();
  try {
    await conn.run(
      `UPDATE runs SET finished_at = now(), status = $2, fetched = $3, landed = $4, duplicates = $5, quarantined = $6, counts = $7, errors = $8
       WHERE run_id = $1`,
      [
        runId,
        status,
        totals.records,
        totals.landed,
        totals.duplicates,
        totals.quarantined,
        JSON.stringify({ skipped: totals.skipped, byEnvelope: totals.byEnvelope, skipReasons: totals.skipReasons, ...extra }),
        JSON.stringify(errors),
      ],
    );
  } finally {
    conn.closeSync();
  }
}
