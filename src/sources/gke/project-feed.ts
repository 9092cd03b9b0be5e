/**
 * One Cloud Logging project's reader for a run. Every GKE cluster of the project pulls through it, so
 * clusters whose windows are the same share one entries.list query (an OR over their cluster labels)
 * and entries are routed back by `resource.labels`: N quiet clusters cost one request per run, not N.
 * All its calls go through the project's limiter, retries included.
 *
 * Clusters join as their pulls start; a batch starts once every cluster registered for the project
 * has joined, or `gatherMs` after the first one did, so a cluster that is never pulled costs a short
 * wait, not a stall. Every cluster of a run reads up to the same instant, so their cursors stay equal
 * and they keep sharing on the next run.
 */
import { SourceError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Quota } from '../quota.js';
import type { Checkpoint, RecordSink, SourceContext, SourceStats } from '../types.js';
import { callWithRetry, GRPC, type RetryOptions } from './call-with-retry.js';
import { explainLoggingError } from './call-errors.js';
import { createClients, type EndpointConfig, type GoogleClients } from './clients.js';
import { boundingWindow, CURSOR_FORMAT_VERSION, inWindow, type Plan } from './cursor.js';
import { auditFilter } from './filter.js';
import { logEntryToJson, type DecodedLogEntry } from './log-entry-json.js';
import { fromProtoTimestamp, type Nanos } from './timestamp.js';

export interface FeedSettings {
  project: string;
  endpoints: EndpointConfig;
  quota: Quota;
  requestsPerMinute: number;
  retry: RetryOptions;
  pageSize: number;
  callTimeoutMs: number;
  gatherMs: number;
}

export interface MemberRequest {
  /** The cluster's name in the job file. */
  name: string;
  location: string;
  cluster: string;
  stream: string;
  ctx: SourceContext;
  sink: RecordSink;
  checkpoint: Checkpoint;
  /** The member's plan, from the instant the whole project reads up to. */
  planFor(now: Date): Plan;
}

interface Member {
  req: MemberRequest;
  plan?: Plan;
  stats: GkeStats;
  src: number;
  line: number;
  failed: boolean;
  resolve(stats: SourceStats): void;
  reject(err: unknown): void;
}

export interface GkeStats {
  plan: string;
  windows: number;
  queries: number;
  shared_with: number;
  requests: number;
  pages: number;
  retries: number;
  throttled: number;
  entries_read: number;
  entries: number;
  entries_outside_window: number;
  unreadable_payloads: number;
  out_of_order: number;
}

/** A quota wait at least this long is used to land what is staged. */
const QUOTA_WAIT_TO_LAND_MS = 2000;
/** Land at least this often (pages of up to 1,000 entries). */
const LAND_EVERY_PAGES = 10;

const emptyStats = (): GkeStats => ({
  plan: 'incremental',
  windows: 0,
  queries: 0,
  shared_with: 1,
  requests: 0,
  pages: 0,
  retries: 0,
  throttled: 0,
  entries_read: 0,
  entries: 0,
  entries_outside_window: 0,
  unreadable_payloads: 0,
  out_of_order: 0,
});

export class ProjectFeed {
  private registered = 0;
  private finished = 0;
  private waiting: Member[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private running = 0;
  private runNow: Date | undefined;
  private clientsValue: Promise<GoogleClients> | undefined;

  constructor(readonly settings: FeedSettings) {}

  /** A cluster of this project will pull in this run. */
  register(): void {
    this.registered++;
  }

  /** The project's clients, opened on first use (and again after `release`). */
  clients(): Promise<GoogleClients> {
    if (!this.clientsValue) {
      const p = createClients(this.settings.endpoints);
      this.clientsValue = p;
      p.catch(() => {
        if (this.clientsValue === p) this.clientsValue = undefined;
      });
    }
    return this.clientsValue;
  }

  /** A registered cluster will not pull after all (its pull failed before joining): stop waiting for it. */
  withdraw(): void {
    this.registered--;
    if (this.waiting.length && this.waiting.length >= this.registered - this.finished - this.inFlight()) this.flush();
  }

  pull(req: MemberRequest): Promise<SourceStats> {
    return new Promise((resolve, reject) => {
      const member: Member = { req, stats: emptyStats(), src: -1, line: 0, failed: false, resolve, reject };
      this.runNow ??= req.ctx.now;
      this.waiting.push(member);
      if (this.waiting.length >= this.registered - this.finished - this.inFlight()) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.settings.gatherMs);
    });
  }

  private inFlight = (): number => this.running;

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0);
    if (!batch.length) return;
    this.running += batch.length;
    this.chain = this.chain
      .then(() => this.runBatch(batch))
      .catch((err: unknown) => {
        for (const m of batch) if (!m.failed) this.fail(m, err);
      })
      .finally(() => {
        this.running -= batch.length;
        this.finished += batch.length;
        if (this.running === 0 && this.waiting.length === 0) void this.release();
      });
  }

  /** Close the channels once nothing is left to do (a later pull opens new ones). */
  private async release(): Promise<void> {
    const c = this.clientsValue;
    this.clientsValue = undefined;
    await c?.then((x) => x.close(), () => undefined);
  }

  private async runBatch(batch: Member[]): Promise<void> {
    const groups = new Map<string, Member[]>();
    for (const m of batch) {
      try {
        m.plan = m.req.planFor(this.runNow ?? m.req.ctx.now);
      } catch (err) {
        this.fail(m, new SourceError(m.req.name, 'gke', (err as Error).message));
        continue;
      }
      m.stats.plan = m.plan.kind;
      m.stats.windows = m.plan.windows.length;
      const g = groups.get(m.plan.key);
      if (g) g.push(m);
      else groups.set(m.plan.key, [m]);
    }
    for (const group of groups.values()) {
      await this.runGroup(group);
      for (const m of group) if (!m.failed) m.resolve({ ...m.stats });
    }
  }

  private async runGroup(members: Member[]): Promise<void> {
    const plan = members[0]!.plan!;
    for (const m of members) {
      m.stats.shared_with = members.length;
      m.src = m.req.sink.source(`cloudlogging:projects/${this.settings.project}/locations/${m.req.location}/clusters/${m.req.cluster}`);
    }
    if (plan.windows.length > 0) {
      try {
        await this.readWindow(members, plan);
      } catch (err) {
        const { message, retryable } = explainLoggingError(err, this.settings.project, this.settings.requestsPerMinute);
        for (const m of members) if (!m.failed) this.fail(m, new SourceError(m.req.name, 'gke', message, retryable, { cause: err }));
        return;
      }
    }
    await this.checkpointAll(members, (m) => m.plan!.complete);
  }

  private async readWindow(members: Member[], plan: Plan): Promise<void> {
    const { project, pageSize, callTimeoutMs, retry, quota } = this.settings;
    const clients = await this.clients();
    const box = boundingWindow(plan.windows);
    const byCluster = new Map<string, Member[]>();
    for (const m of members) {
      const k = `${m.req.location}/${m.req.cluster}`;
      byCluster.set(k, [...(byCluster.get(k) ?? []), m]);
    }
    // In a fixed order, so the same clusters always send the same query whichever joined first.
    const refs = [...byCluster.keys()].sort().map((k) => ({ location: byCluster.get(k)![0]!.req.location, cluster: byCluster.get(k)![0]!.req.cluster }));
    const filter = auditFilter(project, refs, box);
    for (const m of members) m.stats.queries++;
    let pageToken: string | undefined;
    let newest: Nanos | undefined;
    let pagesSinceLanding = 0;
    const live = () => members.filter((m) => !m.failed);
    do {
      for (const m of live()) if (m.req.ctx.signal.aborted) this.fail(m, m.req.ctx.signal.reason ?? new Error('aborted'));
      if (!live().length) return;
      const signal = live()[0]!.req.ctx.signal;
      const [entries, next] = await callWithRetry(
        quota,
        async () => {
          for (const m of live()) m.stats.requests++;
          return clients.logging.listLogEntries(
            { resourceNames: [`projects/${project}`], filter, orderBy: 'timestamp asc', pageSize, ...(pageToken ? { pageToken } : {}) },
            { autoPaginate: false, timeout: callTimeoutMs, retry: null } as never,
          );
        },
        retry,
        signal,
        {
          onRetry: (code, attempt, delay) => {
            for (const m of live()) {
              m.stats.retries++;
              if (code === GRPC.RESOURCE_EXHAUSTED) m.stats.throttled++;
            }
            members[0]!.req.ctx.log.warn({ project, code, attempt, delayMs: delay }, 'Cloud Logging call failed, retrying');
          },
        },
      );
      for (const m of live()) m.stats.pages++;
      for (const e of entries as DecodedLogEntry[]) {
        const labels = e.resource?.labels ?? {};
        const targets = byCluster.get(`${labels.location}/${labels.cluster_name}`);
        for (const m of members) m.stats.entries_read++;
        if (!targets) continue;
        const ts = e.timestamp ? fromProtoTimestamp(e.timestamp as never) : undefined;
        const received = e.receiveTimestamp ? fromProtoTimestamp(e.receiveTimestamp as never) : undefined;
        if (ts !== undefined) {
          if (newest !== undefined && ts < newest) for (const m of members) m.stats.out_of_order++;
          else newest = ts;
        }
        let json: Record<string, unknown> | undefined;
        let problem: string | undefined;
        try {
          json = logEntryToJson(e);
        } catch (err) {
          problem = `Cloud Logging entry ${e.insertId ?? '(no insertId)'} of ${e.logName ?? 'an unnamed log'}: ${(err as Error).message}`;
        }
        for (const m of targets) {
          if (m.failed) continue;
          if (ts !== undefined && !m.plan!.windows.some((w) => inWindow(w, ts, received))) {
            m.stats.entries_outside_window++;
            continue;
          }
          m.line++;
          if (json) {
            m.req.sink.addValue(m.src, m.line, json);
            m.stats.entries++;
          } else {
            m.req.sink.addRefused(m.src, m.line, problem!, rawText(e));
            m.stats.unreadable_payloads++;
          }
        }
      }
      pageToken = (next as { pageToken?: string } | null)?.pageToken || undefined;
      // Land when a batch is big enough, and also whenever the quota is about to make us wait: the
      // landing then overlaps the wait instead of slowing the next burst of pages.
      // Pages cost quota, so land at least every LAND_EVERY_PAGES of them as well: a crash loses little,
      // and the last landing of a pull (which nothing overlaps) stays short.
      pagesSinceLanding++;
      const waiting = quota.delayMs() > QUOTA_WAIT_TO_LAND_MS && live().some((m) => m.req.sink.count > 0);
      const due = pagesSinceLanding >= LAND_EVERY_PAGES || live().some((m) => m.req.sink.due);
      if (pageToken && newest !== undefined && (waiting || due)) {
        pagesSinceLanding = 0;
        const at = newest;
        await this.checkpointAll(live(), (m) => m.plan!.progress(at));
      }
    } while (pageToken);
  }

  /** Land every member's records with its cursor; a member whose landing fails drops out alone. */
  private async checkpointAll(members: Member[], cursor: (m: Member) => unknown): Promise<void> {
    await Promise.all(
      members
        .filter((m) => !m.failed)
        .map(async (m) => {
          const state = cursor(m);
          try {
            await m.req.checkpoint(state === undefined ? [] : [{ stream: m.req.stream, state, formatVersion: CURSOR_FORMAT_VERSION }]);
          } catch (err) {
            this.fail(m, err);
          }
        }),
    );
  }

  private fail(m: Member, err: unknown): void {
    if (m.failed) return;
    m.failed = true;
    m.reject(err);
  }
}

/** An entry that could not be decoded, as text for quarantine: its envelope with the payload bytes in base64. */
function rawText(e: DecodedLogEntry): string {
  const p = e.protoPayload;
  return JSON.stringify({
    insertId: e.insertId,
    logName: e.logName,
    resource: e.resource,
    timestamp: e.timestamp,
    receiveTimestamp: e.receiveTimestamp,
    protoPayload: p ? { '@type': p.type_url ?? p.typeUrl, value: p.value ? Buffer.from(p.value).toString('base64') : '' } : undefined,
  });
}

const feeds = new WeakMap<object, Map<string, ProjectFeed>>();

/** The feed of this project for this run (`run` is an object that lives as long as the run, e.g. its quota registry). */
export function feedFor(run: object, key: string, create: () => ProjectFeed): ProjectFeed {
  let m = feeds.get(run);
  if (!m) feeds.set(run, (m = new Map()));
  let f = m.get(key);
  if (!f) m.set(key, (f = create()));
  return f;
}

export type { Logger };
