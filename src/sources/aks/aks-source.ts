/**
 * AKS: a cluster's audit events from the Log Analytics workspace its diagnostic setting writes to
 * (AKSAudit / AKSAuditAdmin rows, or AzureDiagnostics rows with the event in log_s), and its audit
 * posture from ARM.
 *
 * A pull sizes each candidate table's window with one query (size-tables.ts), reads it in as few
 * queries as the service caps allow, halving any that the service cannot answer whole
 * (fetch-window.ts), and commits each table's ingestion-time cursor with its rows (window.ts).
 * Queries share the identity's quota with every cluster pulled with the same identity.
 */
import { SourceError, describe } from '../../errors.js';
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import type { ClusterConfig } from '../../config/job-file.js';
import type { QuotaSpec } from '../quota.js';
import type { SharedResources } from '../registry.js';
import type { Checkpoint, PostureFact, RecordSink, Source, SourceContext, SourceStats, StateUpdate } from '../types.js';
import { ArmReader } from './arm.js';
import { armClient, armEndpoint, azureIdentity, containerServiceClient, logsQueryClient, queryEndpoint, trustedCas, type AzureIdentity } from './clients.js';
import { readTable } from './fetch-window.js';
import { AUDIT_TABLES, type AuditTable } from './kql.js';
import { minimumQueries, type Targets } from './plan.js';
import { readArmPosture, readKubernetesVersion } from './posture.js';
import { BYTE_CAP, MissingTableError, QueryRunner, ROW_CAP, withQuery } from './query-runner.js';
import { emptyRowCounts } from './rows.js';
import { sizeTables, type TablePlan } from './size-tables.js';
import { CURSOR_FORMAT, cursorState, DEFAULT_LATENESS_MS } from './window.js';

export type AksCluster = Extract<ClusterConfig, { provider: 'aks' }>;

export interface AksSourceOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the identity's quota (tests and benchmarks scale the 30 s window down). */
  quotaSpec?: QuotaSpec;
  /** What one query should return at most; defaults sit below the service caps. */
  targets?: Partial<Targets>;
  /** The service caps per query (default 500,000 rows, ~100 MB): a result of `rows` rows is taken as truncated. */
  caps?: Partial<Targets>;
}

/**
 * Well below the caps (500,000 rows, ~100 MB): the size query estimates stored bytes while the API
 * returns JSON, and the query client holds a whole answer in memory, several times over while decoding
 * it. Smaller answers also let landing overlap fetching (bench/aks-pull.ts).
 */
const DEFAULT_TARGETS: Targets = { rows: 450_000, bytes: 24 * 1024 * 1024 };

/** Tables whose rows include get and list requests. */
const READS: Record<AuditTable, boolean | undefined> = { AKSAudit: true, AKSAuditAdmin: false, AzureDiagnostics: undefined };

export function aksSource(cluster: AksCluster, shared: SharedResources, opts: AksSourceOptions = {}): Source {
  return new AksSource(cluster, shared, opts);
}

interface Clients {
  identity: AzureIdentity;
  runner: (ctx: SourceContext) => QueryRunner;
  arm: ArmReader;
  containers: ContainerServiceClient;
}

class AksSource implements Source {
  readonly provider = 'aks';
  private clients?: Clients;
  private sized?: { ctx: SourceContext; runner: QueryRunner; plans: Promise<TablePlan[]> };

  constructor(
    private readonly c: AksCluster,
    private readonly shared: SharedResources,
    private readonly o: AksSourceOptions,
  ) {}

  async posture(ctx: SourceContext): Promise<PostureFact[]> {
    const facts: PostureFact[] = [];
    // What the data says: which tables hold this cluster's audit rows in the window being pulled.
    let seen: ObservedTables | undefined;
    let queryProblem: string | undefined;
    try {
      seen = observeTables(this.c.table, await this.size(ctx).plans);
      facts.push({ fact: 'audit_rows_by_table', status: 'known', value: seen.detail });
    } catch (err) {
      queryProblem = `could not query workspace ${this.c.workspaceId}: ${describe(err)}`;
      facts.push({ fact: 'audit_rows_by_table', status: 'unknown', reason: queryProblem });
    }
    // What ARM says: diagnostic settings, workspace, table, version.
    let expected: AuditTable | undefined;
    try {
      const { arm, containers } = this.setup();
      const armFacts = await readArmPosture(arm, {
        resourceId: this.c.resourceId,
        workspaceId: this.c.workspaceId,
        workspaceResourceId: this.c.workspaceResourceId,
        auditTable: seen?.table,
        signal: ctx.signal,
      });
      expected = armFacts.expectedTable;
      facts.push(...armFacts.facts, await readKubernetesVersion(containers, this.c.resourceId, ctx.signal));
    } catch (err) {
      facts.push({ fact: 'diagnostic_categories', status: 'unknown', reason: describe(err) });
    }
    const table = auditTableFact(this.c.table, seen, expected, queryProblem);
    if (table) facts.push(table);
    return facts;
  }

  async pull(ctx: SourceContext, sink: RecordSink, checkpoint: Checkpoint): Promise<SourceStats> {
    const { runner, plans: planned } = this.size(ctx);
    const plans = await planned;
    const counts = emptyRowCounts();
    const latenessMs = this.c.lateness ?? DEFAULT_LATENESS_MS;
    let dataQueries = 0;
    let minimum = 0;
    const sizeQueries = runner.counters.queries;

    const targets = { ...DEFAULT_TARGETS, ...this.o.targets };
    const caps = { rows: this.o.caps?.rows ?? ROW_CAP, bytes: this.o.caps?.bytes ?? BYTE_CAP };
    const finished: StateUpdate[] = [];
    for (const plan of plans) {
      if (!plan.present || !plan.window.range) continue;
      const w = plan.window;
      const before = runner.counters.queries;
      const rowsBefore = counts.rows;
      try {
        await readTable({
          runner,
          target: { cluster: this.c.name, workspaceId: this.c.workspaceId, table: plan.table, resourceId: this.c.resourceId, axis: w.axis, latenessMs },
          plan,
          targets,
          sink,
          counts,
          checkpoint,
          // Tables already read commit their final cursor with every later batch.
          stateAt: (t) => (w.mode === 'incremental' ? [...finished, this.cursorUpdate(plan, t)] : []),
          signal: ctx.signal,
        });
      } catch (err) {
        // The table went away between sizing and reading it.
        if (err instanceof MissingTableError) throw new SourceError(this.c.name, 'aks', withQuery(`${plan.table} could not be read: ${err.message}`, err.query));
        throw err;
      }
      if (w.mode === 'incremental' && w.ingestedBefore !== undefined) finished.push(this.cursorUpdate(plan, w.ingestedBefore));
      dataQueries += runner.counters.queries - before;
      minimum += minimumQueries(counts.rows - rowsBefore, Number.isNaN(plan.bytes) ? 0 : plan.bytes, caps);
      ctx.log.info({ table: plan.table, rows: plan.rows, chunks: plan.chunks.length, queries: runner.counters.queries - before, mode: w.mode }, `read ${plan.table}`);
    }
    // Every table that exists moves its cursor, including those with nothing new.
    const updates = plans.filter((p) => p.present && p.window.mode === 'incremental' && p.window.ingestedBefore !== undefined).map((p) => this.cursorUpdate(p, p.window.ingestedBefore!));
    if (updates.length || sink.count > 0) await checkpoint(updates);

    const used = plans.filter((p) => p.present && (p.rows > 0 || Number.isNaN(p.rows)));
    if (plans.every((p) => !p.present)) {
      ctx.log.warn(`workspace ${this.c.workspaceId} has none of the tables ${AUDIT_TABLES.join(', ')}: no diagnostic setting sends audit logs to it`);
    }
    return {
      mode: plans[0]?.window.mode ?? 'incremental',
      tables_read: used.map((p) => p.table).join(',') || null,
      tables_missing: plans.filter((p) => !p.present).map((p) => p.table).join(',') || null,
      rows: counts.rows,
      truncated_bodies: counts.truncatedBodies,
      max_delay_seconds: Math.round(counts.maxDelayMs / 1000),
      queries: runner.counters.queries,
      size_queries: sizeQueries,
      data_queries: dataQueries,
      minimum_data_queries: minimum,
      throttled: runner.counters.throttled,
      retried: runner.counters.retried,
      split: runner.counters.split,
    };
  }

  private cursorUpdate(plan: TablePlan, ingestedBefore: number) {
    return { stream: plan.stream, state: cursorState(plan.table, ingestedBefore), formatVersion: CURSOR_FORMAT };
  }

  /** Size the tables once per run: posture (which runs first) and pull share the answer. */
  private size(ctx: SourceContext): { runner: QueryRunner; plans: Promise<TablePlan[]> } {
    if (this.sized?.ctx !== ctx) {
      const runner = this.setup().runner(ctx);
      const explicit = this.c.table !== 'auto';
      const plans = sizeTables(runner, {
        cluster: this.c.name,
        workspaceId: this.c.workspaceId,
        resourceId: this.c.resourceId,
        tables: explicit ? [this.c.table as AuditTable] : AUDIT_TABLES,
        explicit,
        state: ctx.state,
        settings: {
          now: ctx.now.getTime(),
          lookbackMs: this.c.lookback,
          latenessMs: this.c.lateness ?? DEFAULT_LATENESS_MS,
          since: ctx.window.since?.getTime(),
          until: ctx.window.until?.getTime(),
        },
        targets: { ...DEFAULT_TARGETS, ...this.o.targets },
      });
      plans.catch(() => undefined); // awaited by pull; posture reports it as a fact
      this.sized = { ctx, runner, plans };
    }
    return this.sized;
  }

  private setup(): Clients {
    if (this.clients) return this.clients;
    let ca: string[] | undefined;
    if (this.c.caFile) {
      const path = this.c.caFile; // the pipeline resolves it against the job file's directory
      try {
        ca = trustedCas(path);
      } catch (err) {
        throw new SourceError(this.c.name, 'aks', `caFile ${path} cannot be read (${describe(err)}): give the path of a PEM CA certificate`);
      }
    }
    const identity = azureIdentity(this.o.env);
    const clientOpts = { endpoint: this.c.endpoint, armEndpoint: this.c.armEndpoint, ca };
    const query = logsQueryClient(identity, clientOpts);
    const subscription = this.c.resourceId.split('/')[2]!;
    const arm = new ArmReader(armClient(identity, subscription, clientOpts), armEndpoint(this.c.armEndpoint));
    const quota = this.shared.quotas.get(
      `loganalytics:${identity.key}`,
      this.o.quotaSpec ?? { limit: this.c.requestsPer30s, intervalMs: 30_000, concurrency: 5 },
    );
    this.clients = {
      identity,
      arm,
      containers: containerServiceClient(identity, subscription, clientOpts),
      runner: (ctx) =>
        new QueryRunner({
          client: query,
          quota,
          workspaceId: this.c.workspaceId,
          cluster: this.c.name,
          endpoint: queryEndpoint(this.c.endpoint),
          rowCap: this.o.caps?.rows,
          log: ctx.log,
          signal: ctx.signal,
        }),
    };
    return this.clients;
  }
}

interface ObservedTables {
  /** The table read, preferring one with reads (AKSAudit, AzureDiagnostics with kube-audit). */
  table?: AuditTable;
  /** Rows in the window per table, whether reads are collected, which tables are missing. */
  detail: Record<string, unknown>;
  adminOnly: boolean;
}

/** Which tables hold the cluster's audit rows in the pulled window, and whether reads (get/list) are among them. */
export function observeTables(configured: AksCluster['table'], plans: readonly TablePlan[]): ObservedTables {
  const withRows = plans.filter((p) => p.present && (p.rows > 0 || Number.isNaN(p.rows)));
  const categories = plans.find((p) => p.table === 'AzureDiagnostics')?.categories ?? {};
  const reads = withRows.some((p) => p.table === 'AKSAudit' || (p.table === 'AzureDiagnostics' && (categories['kube-audit'] ?? 0) > 0));
  const best = withRows.find((p) => READS[p.table]) ?? withRows.find((p) => p.table === 'AzureDiagnostics') ?? withRows[0];
  const missing = plans.filter((p) => !p.present).map((p) => p.table);
  return {
    table: best?.table,
    adminOnly: withRows.length > 0 && !reads,
    detail: {
      configured,
      rows_in_window: Object.fromEntries(plans.filter((p) => p.present).map((p) => [p.table, Number.isNaN(p.rows) ? null : p.rows])),
      ...(Object.keys(categories).length ? { azure_diagnostics_categories: categories } : {}),
      reads_collected: withRows.length ? reads : null,
      ...(missing.length ? { missing_tables: missing } : {}),
    },
  };
}

/**
 * `audit_table` (coverage contract): where the cluster's audit rows land. From the data when the window
 * had rows, else from the diagnostic settings, else the table the job file names; left out when nothing
 * says (audit logging is off: the diagnostic_categories fact shows it).
 */
export function auditTableFact(
  configured: AksCluster['table'],
  seen: ObservedTables | undefined,
  expected: AuditTable | undefined,
  queryProblem: string | undefined,
): PostureFact | undefined {
  if (seen?.table) {
    return {
      fact: 'audit_table',
      status: 'known',
      value: seen.table,
      reason: seen.adminOnly
        ? 'admin-only audit logs (kube-audit-admin): get and list requests are not collected, reads are invisible'
        : 'the table this cluster\'s audit rows were read from',
    };
  }
  if (expected) return { fact: 'audit_table', status: 'known', value: expected, reason: 'from the diagnostic settings (no audit rows in the pulled window)' };
  if (configured !== 'auto') return { fact: 'audit_table', status: 'known', value: configured, reason: 'as the job file names it (no audit rows in the pulled window)' };
  if (queryProblem) return { fact: 'audit_table', status: 'unknown', reason: queryProblem };
  return undefined;
}
