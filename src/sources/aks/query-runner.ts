/**
 * Running one Log Analytics query within the identity's quota: every attempt (retries included) goes
 * through `quota.run`; a 429 holds back every caller of that identity until its retry-after has passed;
 * 5xx and network failures are retried with backoff. What the caller must act on comes back as a kind:
 * `rows` (complete), `split` (partial, truncated, too large or timed out: read a smaller window), or a
 * thrown SourceError / MissingTableError with a message that names the cluster, the query and the fix.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { LogsQueryResultStatus, type LogsQueryClient, type LogsTable } from '@azure/monitor-query-logs';
import { describe, SourceError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Quota } from '../quota.js';
import type { Range } from './kql.js';
import { credentialProblem } from './credential-errors.js';

/** Service caps per query (Azure Monitor service limits). */
export const ROW_CAP = 500_000;
export const BYTE_CAP = 100 * 1024 * 1024;

/** `returned`: rows a partial or truncated answer carried (a measure of the cap that was hit). */
export type QueryOutcome = { kind: 'rows'; table: LogsTable } | { kind: 'split'; reason: string; returned?: number };

/** The query names a table the workspace does not have (400, SEM0100). */
export class MissingTableError extends Error {
  override readonly name = 'MissingTableError';
  constructor(
    message: string,
    readonly query: string,
  ) {
    super(message);
  }
}

// Errors that a smaller window avoids: result too large, query too slow.
const TOO_BIG = /E_QUERY_RESULT_SET_TOO_LARGE|E_RUNAWAY_QUERY|E_LOW_MEMORY_CONDITION|ResponsePayloadTooLarge|ResultSizeLimit|too large|timed? ?out|timeout/i;

const PAUSED = Symbol('paused');

// A 429 pauses every caller of the identity, not just the one that got it: the limit is per identity.
const pauses = new WeakMap<Quota, { until: number }>();

export interface QueryRunnerOptions {
  client: LogsQueryClient;
  quota: Quota;
  workspaceId: string;
  cluster: string;
  endpoint: string;
  /** A result with this many rows is taken as truncated (the service's cap). */
  rowCap?: number;
  log: Logger;
  signal: AbortSignal;
  /** Attempts for one query before giving up on throttling or server errors. */
  maxAttempts?: number;
}

export interface QueryCounters {
  queries: number;
  throttled: number;
  retried: number;
  split: number;
}

export class QueryRunner {
  readonly counters: QueryCounters = { queries: 0, throttled: 0, retried: 0, split: 0 };
  private readonly pause: { until: number };

  constructor(private readonly o: QueryRunnerOptions) {
    let p = pauses.get(o.quota);
    if (!p) pauses.set(o.quota, (p = { until: 0 }));
    this.pause = p;
  }

  async run(query: string, gen: Range, table: string): Promise<QueryOutcome> {
    const maxAttempts = this.o.maxAttempts ?? 8;
    const timespan = { startTime: new Date(gen[0]), endTime: new Date(gen[1]) };
    for (let attempt = 1; ; attempt++) {
      await this.waitForPause();
      this.o.signal.throwIfAborted();
      try {
        const result = await this.o.quota.run(async () => {
          // A 429 that came while this call waited in the quota's queue: send nothing, wait it out and
          // queue again. (Sleeping here would send a call the rate limiter counted earlier.)
          if (this.pause.until > Date.now()) return PAUSED;
          this.counters.queries++;
          return this.o.client.queryWorkspace(this.o.workspaceId, query, timespan, {
            serverTimeoutInSeconds: 600,
            abortSignal: this.o.signal,
          });
        });
        if (result === PAUSED) {
          attempt--;
          continue;
        }
        if (result.status === LogsQueryResultStatus.PartialFailure) {
          const n = result.partialTables[0]?.rows.length ?? 0;
          return this.split(`partial result (${errorText(result.partialError)}), ${n} rows returned`, n);
        }
        const t = result.tables[0] ?? { name: 'PrimaryResult', columnDescriptors: [], rows: [] };
        if (t.rows.length >= (this.o.rowCap ?? ROW_CAP)) return this.split(`${t.rows.length} rows returned: the result may be truncated at the service's row cap`, t.rows.length);
        return { kind: 'rows', table: t };
      } catch (err) {
        if (this.o.signal.aborted) throw err;
        const noToken = credentialProblem(err);
        if (noToken) throw this.fail(noToken, undefined, false);
        const status = statusOf(err);
        const text = errorText(err);
        if (status === 429) {
          this.counters.throttled++;
          const wait = retryAfterMs(err) ?? Math.min(60_000, 1000 * 2 ** (attempt - 1));
          this.pause.until = Math.max(this.pause.until, Date.now() + wait);
          this.o.log.warn({ table, wait_ms: wait, attempt }, 'Log Analytics throttled this identity (429): waiting as asked');
          if (attempt >= maxAttempts) throw this.fail(`still throttled (429) after ${attempt} attempts: ${text}. Other jobs may share this identity's 200 queries / 30 s; lower requestsPer30s or run later.`, query, true);
          continue;
        }
        if (status === 413 || status === 504 || (status !== undefined && TOO_BIG.test(text))) {
          return this.split(`${status ?? 'error'}: ${text}`);
        }
        if (status === 400) {
          // Only an unknown table: SEM0100 also means an unknown column, which is a fault, not an absent table.
          if (/Failed to resolve table(?: or column)? expression named '(AKSAudit|AKSAuditAdmin|AzureDiagnostics)'/i.test(text)) throw new MissingTableError(text, query);
          throw this.fail(`Log Analytics rejected the query for table ${table} (400: ${text}). Check that the table exists in workspace ${this.o.workspaceId} and that its plan allows this query (a Basic or Auxiliary table answers only the last 30 days and a subset of KQL: keep --since within 30 days)`, query, false);
        }
        if (status === 401) throw this.fail(`Log Analytics refused the credentials (401: ${text}). Check KUBETRAIL_AZURE_TOKEN or the workload / managed identity`, undefined, false);
        if (status === 403) throw this.fail(`the identity may not query workspace ${this.o.workspaceId} (403: ${text}): grant it Log Analytics Reader on the workspace`, undefined, false);
        if (status === 404) throw this.fail(`workspace ${this.o.workspaceId} was not found at ${this.o.endpoint} (404: ${text}): check workspaceId (the workspace's "Workspace ID" GUID) and endpoint`, undefined, false);
        const tls = tlsProblem(err);
        if (tls) throw this.fail(`cannot verify the TLS certificate of ${this.o.endpoint} (${tls}): if a proxy inspects TLS, set caFile to its CA certificate`, undefined, false);
        const transient = status === undefined || status >= 500;
        if (transient && attempt < Math.min(maxAttempts, 5)) {
          this.counters.retried++;
          const wait = 500 * 2 ** (attempt - 1);
          this.o.log.warn({ table, attempt, wait_ms: wait }, `Log Analytics query failed (${status ?? 'network'}: ${text}); retrying`);
          await sleep(wait, undefined, { signal: this.o.signal });
          continue;
        }
        throw this.fail(`query failed${status ? ` (${status})` : ''}: ${text}${status === undefined ? ` — is ${this.o.endpoint} reachable?` : ''}`, query, transient);
      }
    }
  }

  private split(reason: string, returned?: number): QueryOutcome {
    this.counters.split++;
    return { kind: 'split', reason, ...(returned ? { returned } : {}) };
  }

  /** A SourceError; the query is shown when it is what went wrong (or may have been). */
  private fail(message: string, query: string | undefined, retryable: boolean): SourceError {
    return new SourceError(this.o.cluster, 'aks', withQuery(message, query), retryable);
  }

  private async waitForPause(): Promise<void> {
    for (let wait = this.pause.until - Date.now(); wait > 0; wait = this.pause.until - Date.now()) {
      await sleep(wait, undefined, { signal: this.o.signal });
    }
  }
}

/** A message, and the query it is about, indented under it. */
export function withQuery(message: string, query: string | undefined): string {
  return query ? `${message}.\n  query:\n    ${query.replace(/\n/g, '\n    ')}` : `${message}.`;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The most specific message of a service error: Log Analytics nests the useful one in innererror. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || depth > 6) return;
    const o = e as { code?: unknown; message?: unknown; innererror?: unknown; details?: unknown; error?: unknown };
    const msg = typeof o.message === 'string' ? o.message : undefined;
    const code = typeof o.code === 'string' ? o.code : undefined;
    if (msg || code) parts.push(code && msg && !msg.includes(code) ? `${code}: ${msg}` : (msg ?? code!));
    walk(o.error, depth + 1);
    if (Array.isArray(o.details)) for (const d of o.details) walk(d, depth + 1);
    walk(o.innererror, depth + 1);
  };
  walk(err, 0);
  walk((err as { details?: unknown })?.details, 0);
  const unique = [...new Set(parts)];
  return unique.length ? unique.join(' / ') : describe(err);
}

function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers;
  if (!headers) return undefined;
  for (const [name, scale] of [['retry-after-ms', 1], ['x-ms-retry-after-ms', 1], ['retry-after', 1000]] as const) {
    const v = headers.get(name);
    if (!v) continue;
    const n = Number(v);
    if (Number.isFinite(n) && n >= 0) return n * scale;
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  return undefined;
}

function tlsProblem(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) return code;
  }
  return undefined;
}

/**
 * The query client turns an error response into a RestError by reading `error` from its JSON body; a
 * body without one (an empty 429, a proxy's HTML 502) makes it throw a TypeError that has lost the
 * status. This policy gives such responses a JSON error body so that the status and headers survive.
 */
export const errorBodyPolicy: PipelinePolicy = {
  name: 'kubetrailErrorBody',
  async sendRequest(request, next) {
    const res = await next(request);
    if (res.status >= 400) {
      let hasError = false;
      try {
        hasError = !!(JSON.parse(res.bodyAsText ?? '') as { error?: unknown })?.error;
      } catch {
        hasError = false;
      }
      if (!hasError) {
        const text = (res.bodyAsText ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
        res.bodyAsText = JSON.stringify({ error: { code: `HTTP${res.status}`, message: text || `HTTP ${res.status} with no body` } });
        res.headers.set('content-type', 'application/json');
      }
    }
    return res;
  },
};
