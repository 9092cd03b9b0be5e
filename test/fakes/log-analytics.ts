/**
 * An HTTPS double of Azure Monitor Log Analytics (query API) and of the ARM reads kubetrail makes
 * (diagnostic settings, their categories, workspaces, workspace tables), on 127.0.0.1 with the test CA
 * in test/fixtures/tls. Real clients talk to it over real TLS with a bearer token.
 *
 * Query API: `POST /v1/workspaces/{id}/query` with {query, timespan}; it parses kubetrail's own query
 * shapes (kql-lite.ts) and answers in the service's shape: {tables:[{name, columns, rows}]}, a partial
 * result ({tables, error}) when an answer passes the row or byte cap, 400 for bad KQL or an unknown
 * table, 429 with Retry-After for throttling. Faults can be injected: throttling storms, failures.
 *
 * It enforces and records the service's per-identity limits (requests per interval, concurrent
 * queries) and whether a caller came back before a Retry-After had passed: `violations()` lists every
 * breach, so a test can assert there was none.
 *
 * Standalone: `npx tsx test/fakes/log-analytics.ts --port 0 --rows 20000 ...` (see `--help`) prints
 * one JSON line with its port and endpoints, then serves until SIGTERM.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { diagnosticsRow, micros, syntheticEvents, tableRow, type LaTable, type StoredRow } from './aks-rows.js';
import { KqlError, parseQuery, runQuery, SCHEMAS } from './kql-lite.js';

const here = dirname(fileURLToPath(import.meta.url));
export const TLS_DIR = join(here, '..', 'fixtures', 'tls');
export const CA_FILE = join(TLS_DIR, 'ca.pem');

export interface TableSettings {
  plan?: 'Analytics' | 'Basic' | 'Auxiliary';
  /** -1: the workspace default. */
  retentionInDays?: number;
  totalRetentionInDays?: number;
}

export interface WorkspaceSpec {
  /** The workspace ID (customer ID, a GUID) queries use. */
  id: string;
  /** Its ARM resource ID. */
  armId: string;
  retentionInDays?: number;
  dailyQuotaGb?: number;
  /** Tables that exist, with their settings. A table absent here answers 400 SEM0100. */
  tables?: Partial<Record<LaTable, TableSettings>>;
}

export interface DiagnosticSettingSpec {
  name: string;
  workspaceArmId?: string;
  /** 'Dedicated' = resource-specific tables; undefined = AzureDiagnostics. */
  destinationType?: 'Dedicated';
  categories?: string[];
  categoryGroups?: string[];
}

export interface Limits {
  /** Query requests per identity per interval (Azure: 200 / 30 s). */
  rate: { limit: number; intervalMs: number };
  /** Queries in flight per identity (Azure: 5). */
  concurrency: number;
  /** Row cap per answer (Azure: 500,000). */
  maxRows: number;
  /** Byte cap per answer, over the rows' JSON (Azure: ~100 MB). */
  maxBytes: number;
  /** Answer a capped result with the first rows and no error (a silent truncation) instead of a partial error. */
  truncateSilently: boolean;
  /** Time taken by each query. */
  delayMs: number;
}

export interface RequestRecord {
  identity: string;
  at: number;
  done?: number;
  kind: 'query' | 'arm';
  path: string;
  query?: string;
  timespan?: string;
  status?: number;
  rows?: number;
  partial?: boolean;
}

export interface Violation {
  identity: string;
  at: number;
  kind: 'rate' | 'concurrency' | 'early-retry' | 'no-timespan';
  detail: string;
}

interface Injected {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only for queries whose text matches. */
  match?: RegExp;
  /** Let this many matching queries through first. */
  skip?: number;
}

/** Azure's category groups for managed clusters, as the categories endpoint reports them. */
const CATEGORIES: Array<{ name: string; groups: string[] }> = [
  { name: 'kube-apiserver', groups: ['allLogs'] },
  { name: 'kube-audit', groups: ['audit', 'allLogs'] },
  { name: 'kube-audit-admin', groups: ['audit', 'allLogs'] },
  { name: 'kube-controller-manager', groups: ['allLogs'] },
  { name: 'kube-scheduler', groups: ['allLogs'] },
  { name: 'cluster-autoscaler', groups: ['allLogs'] },
  { name: 'cloud-controller-manager', groups: ['allLogs'] },
  { name: 'guard', groups: ['audit', 'allLogs'] },
  { name: 'csi-azuredisk-controller', groups: ['allLogs'] },
  { name: 'csi-azurefile-controller', groups: ['allLogs'] },
  { name: 'csi-snapshot-controller', groups: ['allLogs'] },
];

export class FakeLogAnalytics {
  readonly limits: Limits;
  readonly requests: RequestRecord[] = [];
  private readonly workspaces = new Map<string, WorkspaceSpec>();
  private readonly rows = new Map<string, StoredRow[]>();
  private readonly settings = new Map<string, DiagnosticSettingSpec[]>();
  private readonly versions = new Map<string, string>();
  private readonly denied: RegExp[] = [];
  private readonly injected: Injected[] = [];
  private storm = { left: 0, retryAfterS: 1, emptyBody: false };
  private readonly inFlight = new Map<string, number>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly arrivals = new Map<string, number[]>();
  private readonly violationList: Violation[] = [];
  private maxSeenInFlight = 0;
  private server?: Server;
  port = 0;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = {
      rate: { limit: 200, intervalMs: 30_000 },
      concurrency: 5,
      maxRows: 500_000,
      maxBytes: 100 * 1024 * 1024,
      truncateSilently: false,
      delayMs: 0,
      ...limits,
    };
  }

  static async start(limits: Partial<Limits> = {}, port = 0): Promise<FakeLogAnalytics> {
    const f = new FakeLogAnalytics(limits);
    await f.listen(port);
    return f;
  }

  /** Log Analytics query endpoint, as the job file's `endpoint` (with /v1). */
  get endpoint(): string {
    return `https://127.0.0.1:${this.port}/v1`;
  }
  /** ARM endpoint, as the job file's `armEndpoint`. */
  get armEndpoint(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    this.server = createServer({ key: readFileSync(join(TLS_DIR, 'server-key.pem')), cert: readFileSync(join(TLS_DIR, 'server.pem')) }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.json(res, 500, { error: { code: 'InternalError', message: String(err) } });
      });
    });
    await new Promise<void>((ok) => this.server!.listen(port, '127.0.0.1', ok));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }

  // ---- arranging ------------------------------------------------------------------------------

  addWorkspace(ws: WorkspaceSpec): this {
    this.workspaces.set(ws.id.toLowerCase(), { retentionInDays: 30, dailyQuotaGb: -1, ...ws });
    if (!this.rows.has(ws.id.toLowerCase())) this.rows.set(ws.id.toLowerCase(), []);
    return this;
  }

  /** Rows ingested into a workspace (tables are created as needed with the Analytics plan). */
  addRows(workspaceId: string, rows: readonly StoredRow[]): this {
    const ws = this.workspaces.get(workspaceId.toLowerCase());
    if (!ws) throw new Error(`no workspace ${workspaceId}`);
    ws.tables ??= {};
    for (const r of rows) ws.tables[r.table] ??= { plan: 'Analytics', retentionInDays: -1, totalRetentionInDays: -1 };
    const stored = this.rows.get(workspaceId.toLowerCase())!;
    for (const r of rows) stored.push(r);
    return this;
  }

  setDiagnosticSettings(clusterResourceId: string, settings: DiagnosticSettingSpec[]): this {
    this.settings.set(clusterResourceId.toLowerCase(), settings);
    return this;
  }

  /** The managed cluster resource itself (GET answers 404 for clusters never given). */
  setCluster(clusterResourceId: string, kubernetesVersion: string): this {
    this.versions.set(clusterResourceId.toLowerCase(), kubernetesVersion);
    return this;
  }

  /** ARM GETs whose path matches answer 403 AuthorizationFailed. */
  deny(pathPattern: RegExp): this {
    this.denied.push(pathPattern);
    return this;
  }

  /** The next `count` queries (from anyone) answer 429 with Retry-After: `retryAfterS`. */
  throttleNext(count: number, retryAfterS = 1, emptyBody = false): this {
    this.storm = { left: count, retryAfterS, emptyBody };
    return this;
  }

  /** The next query (matching `match`, if given) answers with this status, body and headers. */
  failNext(f: Injected): this {
    this.injected.push(f);
    return this;
  }

  // ---- observing ------------------------------------------------------------------------------

  violations(): Violation[] {
    return [...this.violationList];
  }

  queries(identity?: string): RequestRecord[] {
    return this.requests.filter((r) => r.kind === 'query' && (identity === undefined || r.identity === identity));
  }

  /** Most queries any identity had in flight at once. */
  get maxConcurrency(): number {
    return this.maxSeenInFlight;
  }

  /** Most queries one identity sent within any window of the rate interval. */
  maxInWindow(identity?: string): number {
    let max = 0;
    const byId = new Map<string, number[]>();
    for (const r of this.queries(identity)) {
      const list = byId.get(r.identity) ?? [];
      list.push(r.at);
      byId.set(r.identity, list);
    }
    for (const times of byId.values()) {
      times.sort((a, b) => a - b);
      let lo = 0;
      for (let hi = 0; hi < times.length; hi++) {
        while (times[hi]! - times[lo]! >= this.limits.rate.intervalMs) lo++;
        max = Math.max(max, hi - lo + 1);
      }
    }
    return max;
  }

  // ---- serving --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const body = await new Promise<string>((ok) => {
      let s = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (s += d));
      req.on('end', () => ok(s));
    });
    if (!token) {
      this.json(res, 401, { error: { code: 'AuthorizationRequired', message: 'Valid authentication was not provided' } });
      return;
    }
    const identity = identityOf(token);
    const m = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      await this.query(identity, decodeURIComponent(m[1]!), body, res);
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/subscriptions/')) {
      this.arm(identity, url, res);
      return;
    }
    this.json(res, 404, { error: { code: 'PathNotFoundError', message: `The requested path does not exist: ${url.pathname}` } });
  }

  private async query(identity: string, workspaceId: string, body: string, res: ServerResponse): Promise<void> {
    const now = performance.now();
    const rec: RequestRecord = { identity, at: now, kind: 'query', path: `/v1/workspaces/${workspaceId}/query` };
    this.requests.push(rec);
    const finish = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      rec.status = status;
      rec.done = performance.now();
      this.json(res, status, payload, headers);
    };

    // The service's per-identity limits.
    const times = this.arrivals.get(identity) ?? [];
    times.push(now);
    while (times.length && now - times[0]! >= this.limits.rate.intervalMs) times.shift();
    this.arrivals.set(identity, times);
    const paused = this.pausedUntil.get(identity) ?? 0;
    if (now < paused) {
      this.violationList.push({ identity, at: now, kind: 'early-retry', detail: `came back ${Math.round(paused - now)} ms before Retry-After had passed` });
    }
    if (times.length > this.limits.rate.limit) {
      this.violationList.push({ identity, at: now, kind: 'rate', detail: `${times.length} queries within ${this.limits.rate.intervalMs} ms (limit ${this.limits.rate.limit})` });
      const wait = Math.ceil((times[0]! + this.limits.rate.intervalMs - now) / 1000);
      this.pausedUntil.set(identity, now + wait * 1000);
      finish(429, { error: { code: 'ThrottledError', message: `Your request was throttled: more than ${this.limits.rate.limit} requests` } }, { 'retry-after': String(wait) });
      return;
    }
    const inFlight = (this.inFlight.get(identity) ?? 0) + 1;
    if (inFlight > this.limits.concurrency) {
      this.violationList.push({ identity, at: now, kind: 'concurrency', detail: `${inFlight} queries in flight (limit ${this.limits.concurrency})` });
      finish(429, { error: { code: 'ThrottledError', message: 'Too many concurrent requests' } }, { 'retry-after': '1' });
      return;
    }
    this.maxSeenInFlight = Math.max(this.maxSeenInFlight, inFlight);
    this.inFlight.set(identity, inFlight);
    try {
      if (this.limits.delayMs) await sleep(this.limits.delayMs);
      let parsed: { query?: string; timespan?: string };
      try {
        parsed = JSON.parse(body) as { query?: string; timespan?: string };
      } catch {
        finish(400, { error: { code: 'BadArgumentError', message: 'The request body is not JSON' } });
        return;
      }
      rec.query = parsed.query;
      rec.timespan = parsed.timespan;

      if (this.storm.left > 0) {
        this.storm.left--;
        this.pausedUntil.set(identity, performance.now() + this.storm.retryAfterS * 1000);
        rec.status = 429;
        rec.done = performance.now();
        res.writeHead(429, { 'retry-after': String(this.storm.retryAfterS), ...(this.storm.emptyBody ? {} : { 'content-type': 'application/json' }) });
        res.end(this.storm.emptyBody ? '' : JSON.stringify({ error: { code: 'ThrottledError', message: 'Your request was throttled. Retry after the time in the Retry-After header.' } }));
        return;
      }
      const inj = this.injected.findIndex((i) => !i.match || i.match.test(parsed.query ?? ''));
      if (inj >= 0 && (this.injected[inj]!.skip ?? 0) > 0) this.injected[inj]!.skip!--;
      else if (inj >= 0) {
        const [f] = this.injected.splice(inj, 1);
        finish(f!.status, f!.body ?? {}, f!.headers);
        return;
      }

      const ws = this.workspaces.get(workspaceId.toLowerCase());
      if (!ws) {
        finish(404, { error: { code: 'WorkspaceNotFoundError', message: `Workspace ${workspaceId} not found` } });
        return;
      }
      if (!parsed.timespan) {
        this.violationList.push({ identity, at: now, kind: 'no-timespan', detail: parsed.query ?? '' });
      }
      const [from, to] = timespanOf(parsed.timespan);
      let q;
      try {
        q = parseQuery(parsed.query ?? '');
        const table = q.table as LaTable;
        if (!SCHEMAS[table] || !ws.tables?.[table]) {
          throw new KqlError('SEM0100', `'where' operator: Failed to resolve table or column expression named '${q.table}'`);
        }
        const result = runQuery(q, table, (this.rows.get(ws.id.toLowerCase()) ?? []).filter((r) => r.table === table), from, to);
        rec.rows = result.rows.length;
        const whole = JSON.stringify({ tables: [result] });
        if (result.rows.length <= this.limits.maxRows && Buffer.byteLength(whole) <= this.limits.maxBytes) {
          rec.status = 200;
          rec.done = performance.now();
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(whole)) });
          res.end(whole);
          return;
        }
        // Over a cap: the service answers with the rows that fit and a partial error.
        let bytes = 0;
        let cut = 0;
        while (cut < result.rows.length && cut < this.limits.maxRows) {
          bytes += Buffer.byteLength(JSON.stringify(result.rows[cut]));
          if (bytes > this.limits.maxBytes) break;
          cut++;
        }
        if (cut >= result.rows.length) {
          finish(200, { tables: [result] });
          return;
        }
        rec.partial = !this.limits.truncateSilently;
        const tables = [{ ...result, rows: result.rows.slice(0, cut) }];
        finish(
          200,
          this.limits.truncateSilently
            ? { tables }
            : {
                tables,
                error: {
                  code: 'PartialError',
                  message: 'There were some errors when processing your query.',
                  details: [
                    {
                      code: 'EngineError',
                      message: 'Something went wrong processing your query on the server.',
                      innererror: {
                        code: '-2133196797',
                        message: `Query result set has exceeded the internal ${cut >= this.limits.maxRows ? `record count limit ${this.limits.maxRows}` : `data size limit ${this.limits.maxBytes}`} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`,
                        severity: 2,
                        severityName: 'Error',
                      },
                    },
                  ],
                },
              },
        );
      } catch (err) {
        if (!(err instanceof KqlError)) throw err;
        finish(400, {
          error: {
            message: 'The request had some invalid properties',
            code: 'BadArgumentError',
            correlationId: randomUUID(),
            innererror: {
              code: err.code === 'SEM0100' ? 'SemanticError' : 'SyntaxError',
              message: err.code === 'SEM0100' ? 'A semantic error occurred.' : 'A syntax error occurred.',
              innererror: { code: err.code, message: err.message },
            },
          },
        });
      }
    } finally {
      this.inFlight.set(identity, (this.inFlight.get(identity) ?? 1) - 1);
    }
  }

  private arm(identity: string, url: URL, res: ServerResponse): void {
    const path = url.pathname;
    const api = url.searchParams.get('api-version') ?? '';
    this.requests.push({ identity, at: performance.now(), kind: 'arm', path: `${path}?api-version=${api}` });
    if (!api) {
      this.json(res, 400, { error: { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." } });
      return;
    }
    if (this.denied.some((d) => d.test(path))) {
      this.json(res, 403, {
        error: {
          code: 'AuthorizationFailed',
          message: `The client '${identity}' with object id '${identity}' does not have authorization to perform action over scope '${path}' or the scope is invalid.`,
        },
      });
      return;
    }
    const lower = path.toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^(.*\/managedclusters\/[^/]+)\/providers\/microsoft\.insights\/diagnosticsettings$/.exec(lower))) {
      const list = this.settings.get(m[1]!) ?? [];
      const old = api === '2017-05-01-preview';
      this.json(res, 200, {
        value: list.map((s) => ({
          id: `${path}/${s.name}`,
          type: 'Microsoft.Insights/diagnosticSettings',
          name: s.name,
          properties: {
            workspaceId: s.workspaceArmId ?? null,
            logAnalyticsDestinationType: s.destinationType ?? null,
            metrics: [],
            logs: [
              ...(s.categories ?? []).map((c) => ({ category: c, categoryGroup: null, enabled: true, retentionPolicy: { enabled: false, days: 0 } })),
              // The 2017 version does not know category groups.
              ...(old ? [] : (s.categoryGroups ?? []).map((g) => ({ category: null, categoryGroup: g, enabled: true, retentionPolicy: { enabled: false, days: 0 } }))),
            ],
          },
        })),
      });
      return;
    }
    if (/\/managedclusters\/[^/]+\/providers\/microsoft\.insights\/diagnosticsettingscategories$/.test(lower)) {
      this.json(res, 200, {
        value: CATEGORIES.map((c) => ({ id: `${path}/${c.name}`, name: c.name, type: 'Microsoft.Insights/diagnosticSettingsCategories', properties: { categoryType: 'Logs', categoryGroups: c.groups } })),
      });
      return;
    }
    const version = this.versions.get(lower);
    if (version && /\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/.test(lower)) {
      this.json(res, 200, {
        id: path,
        name: path.split('/').pop(),
        type: 'Microsoft.ContainerService/ManagedClusters',
        location: 'westeurope',
        properties: { provisioningState: 'Succeeded', kubernetesVersion: version, currentKubernetesVersion: version, dnsPrefix: 'x' },
      });
      return;
    }
    const ws = [...this.workspaces.values()].find((w) => lower.startsWith(w.armId.toLowerCase()));
    if (ws && lower === ws.armId.toLowerCase()) {
      this.json(res, 200, {
        id: ws.armId,
        name: ws.armId.split('/').pop(),
        type: 'Microsoft.OperationalInsights/workspaces',
        properties: { customerId: ws.id, provisioningState: 'Succeeded', sku: { name: 'PerGB2018' }, retentionInDays: ws.retentionInDays, workspaceCapping: { dailyQuotaGb: ws.dailyQuotaGb } },
      });
      return;
    }
    if (ws && (m = /\/tables\/([^/]+)$/.exec(path))) {
      const name = Object.keys(ws.tables ?? {}).find((t) => t.toLowerCase() === m![1]!.toLowerCase()) as LaTable | undefined;
      const t = name ? ws.tables![name]! : undefined;
      if (!t) {
        this.json(res, 404, { error: { code: 'ResourceNotFound', message: `Table ${m[1]} not found` } });
        return;
      }
      const days = t.retentionInDays ?? -1;
      const total = t.totalRetentionInDays ?? -1;
      this.json(res, 200, {
        id: path,
        name,
        properties: {
          plan: t.plan ?? 'Analytics',
          retentionInDays: days < 0 ? ws.retentionInDays : days,
          totalRetentionInDays: total < 0 ? (days < 0 ? ws.retentionInDays : days) : total,
          archiveRetentionInDays: total < 0 ? 0 : total - (days < 0 ? ws.retentionInDays! : days),
          retentionInDaysAsDefault: days < 0,
          totalRetentionInDaysAsDefault: total < 0,
          schema: { name, tableType: 'Microsoft' },
        },
      });
      return;
    }
    this.json(res, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${path}' was not found.` } });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
}

/** Who a token belongs to: the JWT's oid when it has one, else the token itself. */
export function identityOf(token: string): string {
  const part = token.split('.')[1];
  if (part) {
    try {
      const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { oid?: string };
      if (claims.oid) return `oid:${claims.oid}`;
    } catch {
      /* not a JWT */
    }
  }
  return `token:${token}`;
}

/** The query's TimeGenerated range (µs, both ends included); no timespan means all of time. */
function timespanOf(ts: string | undefined): [number, number] {
  if (!ts) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const [a, b] = ts.split('/');
  return [micros(a!), micros(b!)];
}

// ---- standalone ---------------------------------------------------------------------------------

const USAGE = `npx tsx test/fakes/log-analytics.ts [options]
  --port N                 port to listen on (0: any free port)            [0]
  --workspace GUID         workspace ID                                    [00000000-0000-4000-8000-000000000001]
  --resource-id ID         a managed cluster (repeat for several)          [/subscriptions/0000.../managedClusters/demo]
  --table T                AKSAudit | AKSAuditAdmin | AzureDiagnostics     [AKSAudit]
  --rows N                 synthetic audit rows per cluster                [10000]
  --start ISO|--hours-ago H  TimeGenerated of the first row                [6 hours ago]
  --span-minutes M         rows spread over this long                      [180]
  --delay-seconds S        ingestion delay after TimeGenerated             [60]
  --max-rows N             row cap per answer (forces splitting)           [500000]
  --query-delay-ms N       time each query takes                           [0]
  --rate L/S               queries per S seconds per identity              [200/30]
  --concurrency N          queries in flight per identity                  [5]
Prints {"port","endpoint","armEndpoint","caFile","workspaceId","workspaceResourceId","resourceIds"} and serves until SIGTERM.`;

async function main(argv: string[]): Promise<void> {
  const args = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    if (k === '--help' || k === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (!k.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${k}\n${USAGE}`);
    args.set(k.slice(2), [...(args.get(k.slice(2)) ?? []), argv[++i]!]);
  }
  const one = (k: string, d: string): string => args.get(k)?.at(-1) ?? d;
  const [limit, per] = one('rate', '200/30').split('/').map(Number);
  const fake = new FakeLogAnalytics({
    maxRows: Number(one('max-rows', '500000')),
    delayMs: Number(one('query-delay-ms', '0')),
    rate: { limit: limit!, intervalMs: per! * 1000 },
    concurrency: Number(one('concurrency', '5')),
  });
  const workspaceId = one('workspace', '00000000-0000-4000-8000-000000000001');
  const sub = '00000000-0000-4000-8000-0000000000aa';
  const armId = `/subscriptions/${sub}/resourceGroups/monitoring/providers/Microsoft.OperationalInsights/workspaces/audit-logs`;
  const resourceIds = args.get('resource-id') ?? [`/subscriptions/${sub}/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/demo`];
  const table = one('table', 'AKSAudit') as LaTable;
  const startUs = args.has('start') ? micros(one('start', '')) : (Date.now() - Number(one('hours-ago', '6')) * 3600e3) * 1000;
  const spanUs = Number(one('span-minutes', '180')) * 60e6;
  const delayMs = Number(one('delay-seconds', '60')) * 1000;
  fake.addWorkspace({ id: workspaceId, armId, tables: { [table]: { plan: 'Analytics', retentionInDays: -1, totalRetentionInDays: 365 } } });
  resourceIds.forEach((rid, i) => {
    const events = syntheticEvents(`cluster-${i}`, Number(one('rows', '10000')), startUs, spanUs, 50);
    fake.addRows(
      workspaceId,
      events.map((e) => (table === 'AzureDiagnostics' ? diagnosticsRow(e, 'kube-audit', { resourceId: rid, delayMs }) : tableRow(e, table, { resourceId: rid, delayMs }))),
    );
    fake.setCluster(rid, '1.30.4');
    fake.setDiagnosticSettings(rid, [
      { name: 'audit-to-la', workspaceArmId: armId, ...(table === 'AzureDiagnostics' ? {} : { destinationType: 'Dedicated' as const }), categories: [table === 'AKSAuditAdmin' ? 'kube-audit-admin' : 'kube-audit'] },
    ]);
  });
  await fake.listen(Number(one('port', '0')));
  process.stdout.write(
    `${JSON.stringify({ port: fake.port, endpoint: fake.endpoint, armEndpoint: fake.armEndpoint, caFile: CA_FILE, workspaceId, workspaceResourceId: armId, resourceIds })}\n`,
  );
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
