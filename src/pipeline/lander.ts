/**
 * The bridge from a source to the store: a RecordSink that stages records into a file, and the
 * checkpoint that lands that file with the source's cursor in one transaction. While one staged file is
 * being landed (DuckDB's threads), the source goes on fetching into the next one; at most one landing is
 * in flight, so a failure surfaces at the next checkpoint.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import { addCounts, emptyCounts, land, type Approach, type LandCounts, type LandTarget, type StateUpdate } from '../store/land.js';
import { readsTyped } from '../normalise/normalise.js';
import { StageFile } from '../store/stage.js';
import { folderError } from '../errors.js';
import { DEFAULT_BATCH_BYTES } from '../config/job-file.js';
import type { RecordSink } from '../sources/types.js';

let sequence = 0;

/**
 * Rows in a DuckDB row group. A landing of at least this many is written straight to the database file;
 * a smaller one goes through the write-ahead log and is written again at the next checkpoint.
 */
export const ROW_GROUP_ROWS = 122_880;
/**
 * Rows worth landing before a batch is full, when nothing is landing. DuckDB's threads each write their
 * share of an insert as whole row groups only when that share holds at least one; what is left over is
 * written at commit by one thread. A batch of one row group cost 14 µs an event here, one of three
 * 9 µs: starting DuckDB early on a small batch is slower than waiting for a few more events.
 */
export const EAGER_ROWS = 3 * ROW_GROUP_ROWS;

// One landing at a time in this process, whatever the number of clusters being pulled: each landing
// already uses every core DuckDB has, and several at once only share the memory limit until one fails.
const landingSlot = pLimit(1);

export class Lander implements RecordSink {
  private stage: StageFile;
  private pending: Promise<void> = Promise.resolve();
  private landing = false;
  /** How the next batch is landed (land.ts): at once as long as batches are plain, typed while they are audit Events. */
  private approach: Approach | 'guess' = 'guess';
  /** The typed read refused a batch of this pull that then landed whole: it is not tried again. */
  private typedRefused = false;
  /** How each batch was tried and landed (for tests and timings). */
  readonly history: { tried: Approach; by: Approach }[] = [];
  readonly totals: LandCounts = emptyCounts();
  /** Source locations of this pull, shared by its stage files (indexes stay valid across checkpoints). */
  private readonly sources: string[] = [];
  checkpoints = 0;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly target: LandTarget,
    private readonly stagingDir: string,
    private readonly onLanded?: (totals: LandCounts) => void,
    private readonly batchBytes = DEFAULT_BATCH_BYTES,
  ) {
    this.stage = this.newStage();
  }

  source(location: string): number {
    return this.stage.source(location);
  }
  addBytes(s: number, line: number, data: Buffer, start: number, end: number): void {
    this.stage.addBytes(s, line, data, start, end);
  }
  addText(s: number, line: number, json: string): void {
    this.stage.addText(s, line, json);
  }
  addValue(s: number, line: number, value: unknown): void {
    this.stage.addValue(s, line, value);
  }
  addEmbedded(s: number, line: number, wrapper: Record<string, unknown>, field: string, text: string): void {
    this.stage.addEmbedded(s, line, wrapper, field, text);
  }
  addRefused(s: number, line: number, reason: string, text: string): void {
    this.stage.addRefused(s, line, reason, text);
  }
  get bytes(): number {
    return this.stage.bytes;
  }
  get count(): number {
    return this.stage.count;
  }
  /**
   * A full batch, or EAGER_ROWS while DuckDB has nothing to land: landing starts as soon as it is worth
   * it (not after a whole batch is staged), and the landing left for after the source's last fetch stays
   * small.
   */
  get due(): boolean {
    return this.stage.bytes >= this.batchBytes || (!this.landing && this.stage.count >= EAGER_ROWS);
  }

  /** Land what was added since the last checkpoint together with `state`. */
  checkpoint = async (state: readonly StateUpdate[]): Promise<void> => {
    await this.pending;
    const stage = this.stage;
    this.stage = this.newStage();
    this.checkpoints++;
    this.landing = true;
    this.pending = landingSlot(() => land(this.conn, stage, this.target, state, { approach: this.approach }))
      .then((c) => {
        this.history.push({ tried: c.tried, by: c.by });
        // A cursor-only checkpoint says nothing about the records to come.
        if (stage.count > 0) this.chooseApproach(c);
        addCounts(this.totals, c);
        this.onLanded?.(this.totals);
      })
      .finally(() => {
        this.landing = false;
        stage.remove();
      });
    // Surface a failure of this landing now if it already happened; otherwise at the next checkpoint.
    await Promise.race([this.pending, Promise.resolve()]);
  };

  /**
   * After a batch: at once while batches are plain, typed while they are of envelopes the typed read
   * lands, unless it refused one that then landed whole (the source's records do not suit it, e.g.
   * empty timestamps, or CloudWatch exports whose messages are strings): then not again in this pull.
   */
  private chooseApproach(c: LandCounts & { tried: Approach; by: Approach; plain: boolean }): void {
    if (c.tried === 'typed' && c.by !== 'typed' && c.plain) this.typedRefused = true;
    this.approach = !c.plain ? 'exact' : !this.typedRefused && Object.keys(c.byEnvelope).every(readsTyped) ? 'typed' : 'lenient';
  }

  /** Land what is left (with no cursor: a rerun fetches it again and the duplicates are dropped). */
  async finish(): Promise<LandCounts> {
    await this.pending;
    if (this.stage.count > 0) await this.checkpoint([]);
    await this.pending;
    this.stage.remove();
    return this.totals;
  }

  /** Give up: wait for the landing in flight (it commits or not as a unit) and drop the rest. */
  async abandon(): Promise<void> {
    await this.pending.catch(() => undefined);
    this.stage.remove();
  }

  private newStage(): StageFile {
    return new StageFile(join(this.stagingDir, `${process.pid}-${this.target.cluster.replace(/[^\w.-]/g, '_')}-${++sequence}.ndjson`), this.sources);
  }
}

/** The staging directory next to the database: private, and emptied of files a crashed run left. */
export function prepareStagingDir(dbPath: string, configured?: string): string {
  const dir = configured ?? `${dbPath}.staging`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) if (f.endsWith('.ndjson')) rmSync(join(dir, f), { force: true });
  } catch (err) {
    throw folderError(dir, 'staging batches', 'staging:', err);
  }
  return dir;
}
