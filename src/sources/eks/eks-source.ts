/**
 * EKS: Kubernetes audit events from the cluster's CloudWatch Logs group, incrementally and within the
 * account's FilterLogEvents quota, plus the cluster's audit posture.
 *
 * A run plans a window (plan-windows.ts), cuts it into slices fetched `parallelSlices` at a time, and
 * moves the watermark (cursor.ts) only over slices that are complete together with every slice before
 * them. Records are checkpointed as they come (when the sink says a batch is due, at least
 * every 30 s while the watermark moves, and at the end), always with the watermark of the finished prefix,
 * so a kill at any point leaves landed data that is at least as far as its cursor, and a rerun re-reads
 * from that cursor; what it reads twice the landing drops.
 */
import pLimit from 'p-limit';
import type { z } from 'zod';
import type { eksCluster } from '../../config/providers/eks.js';
import { SourceError, describe } from '../../errors.js';
import type { Quota, QuotaSpec } from '../quota.js';
import type { SharedResources } from '../registry.js';
import type { Checkpoint, PostureFact, RecordSink, Source, SourceContext, SourceStats } from '../types.js';
import { createAwsClients, resolveIdentity, type AwsClients, type ClientOptions, type Identity } from './aws-clients.js';
import { credentialsMessage, deniedMessage, isAccessDenied, isBadCredentials, isNotFound, messageOf } from './aws-errors.js';
import { CURSOR_FORMAT, cursorStream, makeCursor, readCursor } from './cursor.js';
import { emptySliceCounters, fetchSlice } from './fetch-slice.js';
import { planWindows, SlicePrefix, watermarkAfter, type WindowPlan } from './plan-windows.js';
import { POSTURE_FACTS, readPosture } from './posture.js';
import { DEFAULT_RETRY, emptyCallCounters, RetriesExhaustedError, type RetryPolicy } from './retry.js';

export type EksClusterConfig = z.output<typeof eksCluster>;

export const EKS_DEFAULTS = {
  latenessMs: 10 * 60_000,
  settleMs: 60_000,
  minSliceMs: 15 * 60_000,
  maxSliceMs: 6 * 3600_000,
  /** Checkpoint at least this often while the watermark moves, so a crash re-reads little. */
  commitEveryMs: 30_000,
  /** DescribeCluster calls per second per account and region (EKS' own API limits are higher). */
  eksRequestsPerSecond: 10,
};

export interface EksSourceOptions extends ClientOptions {
  retry?: Partial<RetryPolicy>;
  minSliceMs?: number;
  maxSliceMs?: number;
}

export const defaultLogGroup = (cluster: string): string => `/aws/eks/${cluster}/cluster`;

interface Session {
  clients: AwsClients;
  identity: Identity;
  /** roleArn could not be assumed: every call would fail the same way. */
  assumeProblem?: string;
  logsQuota: Quota;
  eksQuota: Quota;
}

export function eksSource(cfg: EksClusterConfig, shared: SharedResources, opts: EksSourceOptions = {}): Source {
  const logGroup = cfg.logGroup ?? defaultLogGroup(cfg.cluster);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  let session: Promise<Session> | undefined;

  const open = (ctx: SourceContext): Promise<Session> =>
    (session ??= (async () => {
      const clients = createAwsClients(cfg, opts);
      let assumeProblem: string | undefined;
      if (cfg.roleArn) {
        try {
          await clients.credentials();
        } catch (err) {
          assumeProblem =
            `could not assume ${cfg.roleArn} (${messageOf(err)}): the credentials kubetrail runs with need sts:AssumeRole on that role, ` +
            `and the role's trust policy must allow them`;
        }
      }
      const identity = await resolveIdentity(cfg, clients.sts, ctx.signal);
      if (identity.problem) {
        ctx.log.warn(`${identity.problem}; sharing one CloudWatch quota with every cluster whose account is unknown in ${cfg.region}`);
      }
      const acct = identity.account ?? 'unknown';
      return {
        clients,
        identity,
        assumeProblem,
        logsQuota: shared.quotas.get(`cloudwatch:${acct}:${cfg.region}`, cloudWatchQuota(cfg.requestsPerSecond)),
        eksQuota: shared.quotas.get(`eks:${acct}:${cfg.region}`, { limit: EKS_DEFAULTS.eksRequestsPerSecond, intervalMs: 1000, concurrency: 4 }),
      };
    })());

  const close = async () => {
    const s = session;
    session = undefined;
    if (s) (await s.catch(() => undefined))?.clients.destroy();
  };

  const fail = (message: string, retryable: boolean, cause?: unknown) =>
    new SourceError(cfg.name, 'eks', message, retryable, cause === undefined ? undefined : { cause });

  return {
    provider: 'eks',

    async posture(ctx: SourceContext): Promise<PostureFact[]> {
      const s = await open(ctx);
      if (s.assumeProblem) {
        const reason = s.assumeProblem;
        return POSTURE_FACTS.map((fact) => ({ fact, status: 'unknown', reason }));
      }
      return readPosture({
        clients: s.clients,
        identity: s.identity,
        region: cfg.region,
        clusterName: cfg.cluster,
        logGroup,
        logsQuota: s.logsQuota,
        eksQuota: s.eksQuota,
        retry,
        counters: emptyCallCounters(),
        signal: ctx.signal,
      });
    },

    async pull(ctx: SourceContext, sink: RecordSink, checkpoint: Checkpoint): Promise<SourceStats> {
      try {
        return await pull(ctx, sink, checkpoint, await open(ctx));
      } finally {
        await close();
      }
    },
  };

  async function pull(ctx: SourceContext, sink: RecordSink, checkpoint: Checkpoint, s: Session): Promise<SourceStats> {
    if (s.assumeProblem) throw fail(s.assumeProblem, false);
    const stream = cursorStream(logGroup);
    const cursor = readCursor(ctx.state.get(stream), logGroup);
    if (cursor.problem) throw fail(`${cursor.problem}.`, false);
    const plan = planWindows({
      watermark: cursor.watermark,
      now: ctx.now.getTime(),
      latenessMs: cfg.lateness ?? EKS_DEFAULTS.latenessMs,
      lookbackMs: cfg.lookback,
      settleMs: cfg.settle ?? EKS_DEFAULTS.settleMs,
      since: ctx.window.since?.getTime(),
      until: ctx.window.until?.getTime(),
      minSliceMs: opts.minSliceMs ?? EKS_DEFAULTS.minSliceMs,
      maxSliceMs: opts.maxSliceMs ?? EKS_DEFAULTS.maxSliceMs,
      parallel: cfg.parallelSlices,
    });
    const calls = emptyCallCounters();
    const counters = emptySliceCounters();
    let watermark = cursor.watermark;
    let committed = cursor.watermark;
    let lastCommit = Date.now();
    let slicesDone = 0;
    let missing = false;
    const stats = (): SourceStats => ({
      account: s.identity.account ?? null,
      log_group: logGroup,
      window_kind: plan.kind,
      window_start: iso(plan.start),
      window_end: iso(plan.end),
      slices: plan.slices.length,
      slices_done: slicesDone,
      watermark_before: iso(cursor.watermark),
      watermark_after: iso(committed),
      ...calls,
      ...counters,
      log_group_missing: missing,
    });
    ctx.log.info(
      { window: [iso(plan.start), iso(plan.end)], slices: plan.slices.length, kind: plan.kind, watermark: iso(cursor.watermark) },
      `reading ${logGroup}`,
    );
    if (plan.slices.length === 0) return stats();

    // Checkpoints one at a time, in order, each carrying the watermark of the finished prefix.
    let chain: Promise<void> = Promise.resolve();
    const commit = (force: boolean): Promise<void> => {
      const next = chain.then(async () => {
        const moved = watermark !== committed;
        const due = sink.due || (moved && Date.now() - lastCommit >= EKS_DEFAULTS.commitEveryMs);
        if (!force && !due) return;
        if (!moved && sink.count === 0) return;
        const upTo = watermark;
        await checkpoint(upTo === undefined ? [] : [{ stream, state: makeCursor(logGroup, upTo), formatVersion: CURSOR_FORMAT }]);
        committed = upTo;
        lastCommit = Date.now();
      });
      chain = next.catch(() => undefined);
      return next;
    };

    const stop = new AbortController();
    const onOuterAbort = () => stop.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onOuterAbort();
    else ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    const prefix = new SlicePrefix(plan.slices);
    const limit = pLimit(cfg.parallelSlices);
    let failure: unknown;
    await Promise.all(
      plan.slices.map((slice, i) =>
        limit(async () => {
          if (stop.signal.aborted) return;
          try {
            await fetchSlice(slice, {
              clients: s.clients,
              logGroup,
              location: `cloudwatch:${logGroup}`,
              sink,
              quota: s.logsQuota,
              retry,
              calls,
              counters,
              signal: stop.signal,
              afterPage: () => commit(false),
            });
            slicesDone++;
            const upTo = prefix.finish(i);
            if (upTo !== undefined) watermark = watermarkAfter(plan, cursor.watermark, upTo);
          } catch (err) {
            if (stop.signal.aborted) return; // stopped because another slice failed, or the run was cancelled
            failure ??= err;
            stop.abort(err);
          }
        }),
      ),
    );
    ctx.signal.removeEventListener('abort', onOuterAbort);

    if (failure !== undefined && isNotFound(failure)) {
      missing = true;
      failure = undefined;
      ctx.log.warn(`${logGroup} does not exist in ${cfg.region}: no audit logs delivered (enable the audit log type on the cluster)`);
    }
    // Make the finished prefix durable even when a later slice failed: the next run starts from there.
    await commit(true);
    if (ctx.signal.aborted) throw fail(`pull cancelled; landed up to ${iso(committed) ?? 'the previous watermark'}`, true, ctx.signal.reason);
    if (failure !== undefined) throw explain(failure, plan, committed, s.identity);
    ctx.log.info(
      { events: counters.events, pages: counters.pages, requests: calls.requests, throttled: calls.throttled, watermark: iso(committed) },
      `read ${logGroup}`,
    );
    return stats();
  }

  function explain(err: unknown, plan: WindowPlan, committed: number | undefined, identity: Identity): SourceError {
    const resume =
      committed !== undefined ? `the next run resumes from ${iso(committed)}` : plan.kind === 'first' ? 'nothing was committed yet: the next run starts again from its look-back' : `the next run resumes from ${iso(plan.start)}`;
    if (isAccessDenied(err)) {
      const arn = `arn:aws:logs:${cfg.region}:${identity.account ?? '<account>'}:log-group:${logGroup}:*`;
      return fail(deniedMessage('logs:FilterLogEvents', arn, identity.arn, err), false, err);
    }
    if (isBadCredentials(err)) return fail(credentialsMessage(err), false, err);
    if (err instanceof RetriesExhaustedError) {
      return fail(`CloudWatch Logs ${logGroup}: ${err.message}; what was fetched so far is landed, ${resume}`, true, err);
    }
    return fail(`CloudWatch Logs ${logGroup}: ${err instanceof Error ? `${err.name}: ${messageOf(err)}` : describe(err)}; ${resume}`, false, err);
  }
}

/**
 * requestsPerSecond as whole calls per window: 2.5/s is 2 per second (never 3 in one), 0.5/s is 1 per 2 s.
 * The window is 5% longer than the rate says, so network jitter between here and AWS cannot put one call
 * too many into a second of AWS's count.
 */
export function cloudWatchQuota(rps: number): QuotaSpec {
  const JITTER = 1.05;
  return rps >= 1
    ? { limit: Math.floor(rps), intervalMs: Math.ceil(1000 * JITTER), concurrency: Math.floor(rps) * 2 }
    : { limit: 1, intervalMs: Math.ceil((1000 / rps) * JITTER), concurrency: 2 };
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
