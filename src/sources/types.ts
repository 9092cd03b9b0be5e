/**
 * What every source looks like. A source fetches provider-native records (exactly as the provider's API
 * or export gives them) into a RecordSink and says, with `checkpoint`, when the records so far and its
 * cursor form a unit that can be committed together. It never writes SQL and never normalises.
 */
import type { Logger } from '../log.js';
import type { StateUpdate } from '../store/land.js';

export type { StateUpdate };

/** Where records go. Implemented by the staging file; sources only append. */
export interface RecordSink {
  /** Index for a location (a file path, or provider coordinates such as a log group) to pass to add*. */
  source(location: string): number;
  /** A record as JSON text bytes, e.g. a line of a file (not parsed or copied to a string). */
  addBytes(source: number, line: number, data: Buffer, start: number, end: number): void;
  /** A record as JSON text. */
  addText(source: number, line: number, json: string): void;
  /** A record as a decoded value (an SDK's response object). */
  addValue(source: number, line: number, value: unknown): void;
  /** A record one of whose fields holds a JSON document as text, e.g. CloudWatch's `message` (rest of the record, field name, text). */
  addEmbedded(source: number, line: number, wrapper: Record<string, unknown>, field: string, text: string): void;
  /** A record that cannot be staged (e.g. a line that is not UTF-8): quarantined with this reason. */
  addRefused(source: number, line: number, reason: string, text: string): void;
  /** Bytes staged since the last checkpoint. */
  readonly bytes: number;
  /** What is staged is worth landing now: checkpoint at the next point where the cursor is exact. */
  readonly due: boolean;
  /** Records staged since the last checkpoint. */
  readonly count: number;
}

/** Commit everything added so far together with these cursor rows (one transaction). */
export type Checkpoint = (state: readonly StateUpdate[]) => Promise<void>;

export interface PullWindow {
  /** Backfill start (--since); without it a source starts from its watermark minus lateness. */
  since?: Date;
  /** Backfill end (--until); without it a source reads up to now minus its settle time. */
  until?: Date;
}

export interface SourceContext {
  /** The cluster entry from the job file (provider-specific fields included). */
  cluster: { name: string; provider: string } & Record<string, unknown>;
  runId: string;
  /** This cluster's pull_state rows: stream -> state. */
  state: ReadonlyMap<string, unknown>;
  window: PullWindow;
  now: Date;
  log: Logger;
  signal: AbortSignal;
}

/** Counters a source reports besides the records themselves (requests, throttles, files...). */
export type SourceStats = Record<string, number | string | boolean | null>;

/** One fact about a cluster's audit configuration. */
export interface PostureFact {
  fact: string;
  /** known: `value` holds it; unknown: we could not read it, `reason` says why (e.g. the missing permission). */
  status: 'known' | 'unknown';
  value?: unknown;
  reason?: string;
}

export interface Source {
  readonly provider: string;
  /** Fetch what is new (or the backfill window) into `sink`, checkpointing as it goes. */
  pull(ctx: SourceContext, sink: RecordSink, checkpoint: Checkpoint): Promise<SourceStats>;
  /** The cluster's audit posture; failures become `unknown` facts, never exceptions. */
  posture?(ctx: SourceContext): Promise<PostureFact[]>;
}
