/**
 * A Cloud Logging (and Resource Manager IAM) test double: a @grpc/grpc-js server on 127.0.0.1 built
 * from the .proto files that @google-cloud/logging-api, @google-cloud/resource-manager and google-gax
 * ship, so the real Google clients talk to it over real gRPC.
 *
 * - ListLogEntries: entries held as gcloud JSON, filtered (logging-filter.ts), ordered by timestamp then
 *   insertId, paged with tokens; the AuditLog payload is encoded to protobuf bytes (audit-log-wire.ts).
 * - Quota: every ListLogEntries call is recorded per project; with `quota` set, a call over the limit in
 *   the trailing window is answered RESOURCE_EXHAUSTED, as the real service does.
 * - Faults: `inject(method, [{code}, {delayMs}...])` answers the next calls with those statuses or delays.
 * - GetBucket, GetSink, ListExclusions, GetIamPolicy, TestIamPermissions, GetProject from per-project
 *   settings; GetFolder and the IAM policies of folders and organizations (`Folders.GetIamPolicy`,
 *   `Organizations.GetIamPolicy`) from `folders` and `organizations`; `deny(method)` answers PERMISSION_DENIED.
 *
 * Standalone: `npx tsx test/fakes/cloud-logging.ts [--port N] [--entries FILE.jsonl] [--quota 60]
 *   [--generate N --project P --cluster LOCATION/NAME ... --start ISO --spacing-ms MS]` prints the port
 * on the first line of stdout and serves until killed; FILE is read again whenever it changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { encodeAuditLog } from './audit-log-wire.js';
import { traffic, type GkeEntry } from './gke-entries.js';
import { FilterError, matches, parseFilter, timeNs } from './logging-filter.js';

const require = createRequire(import.meta.url);
const pkgDir = (main: string) => {
  // Walk up from the package's main file to its folder (these packages do not export package.json).
  let d = dirname(require.resolve(main));
  while (!d.endsWith(`node_modules/${main}`)) d = dirname(d);
  return d;
};
const INCLUDE = [
  join(pkgDir('@google-cloud/logging-api'), 'build/protos'),
  join(pkgDir('@google-cloud/resource-manager'), 'build/protos'),
  join(pkgDir('google-gax'), 'build/protos'),
];

export interface Fault {
  code?: number;
  details?: string;
  delayMs?: number;
}

export interface CallRecord {
  method: string;
  project: string;
  at: number;
  filter?: string;
  pageToken?: string;
  pageSize?: number;
  code: number;
  /** Time from arrival to answer. */
  serveMs?: number;
}

export interface FakeOptions {
  /** ListLogEntries calls allowed per project in any trailing window (RESOURCE_EXHAUSTED above it). */
  quota?: { limit: number; windowMs: number };
  /** Delay before answering every ListLogEntries call (network + search time). */
  pageDelayMs?: number;
  port?: number;
}

type Obj = Record<string, unknown>;

interface ProjectSettings {
  /** `folders/N` or `organizations/N`; none: a project outside any organization. */
  parent?: string;
  policy: Obj;
  permissions: string[];
  sinks: Record<string, Obj>;
  exclusions: Obj[];
}

export class CloudLoggingFake {
  readonly calls: CallRecord[] = [];
  private entries: GkeEntry[] = [];
  private sorted = true;
  private readonly hits = new Map<string, GkeEntry[]>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly denied = new Set<string>();
  private readonly projects = new Map<string, ProjectSettings>();
  readonly folders = new Map<string, { parent: string; policy: Obj }>();
  readonly organizations = new Map<string, { policy: Obj }>();
  readonly buckets = new Map<string, Obj>();
  private server!: grpc.Server;
  port = 0;

  constructor(readonly options: FakeOptions = {}) {}

  async start(): Promise<this> {
    const load = (file: string) =>
      grpc.loadPackageDefinition(protoLoader.loadSync(file, { includeDirs: INCLUDE, keepCase: true, longs: String, enums: String, defaults: false, oneofs: true })) as never;
    const logging = load('google/logging/v2/logging.proto') as { google: { logging: { v2: { LoggingServiceV2: { service: grpc.ServiceDefinition } } } } };
    const config = load('google/logging/v2/logging_config.proto') as { google: { logging: { v2: { ConfigServiceV2: { service: grpc.ServiceDefinition } } } } };
    type Rm = { google: { cloud: { resourcemanager: { v3: Record<'Projects' | 'Folders' | 'Organizations', { service: grpc.ServiceDefinition }> } } } };
    const rm = load('google/cloud/resourcemanager/v3/projects.proto') as Rm;
    const folders = load('google/cloud/resourcemanager/v3/folders.proto') as Rm;
    const organizations = load('google/cloud/resourcemanager/v3/organizations.proto') as Rm;

    this.server = new grpc.Server();
    this.server.addService(logging.google.logging.v2.LoggingServiceV2.service, { ListLogEntries: this.unary('ListLogEntries', (r) => this.listLogEntries(r)) });
    this.server.addService(config.google.logging.v2.ConfigServiceV2.service, {
      GetBucket: this.unary('GetBucket', (r) => this.getBucket(r)),
      GetSink: this.unary('GetSink', (r) => this.getSink(r)),
      ListExclusions: this.unary('ListExclusions', (r) => ({ exclusions: this.settings(projectOf(String(r.parent))).exclusions })),
    });
    this.server.addService(rm.google.cloud.resourcemanager.v3.Projects.service, {
      GetIamPolicy: this.unary('GetIamPolicy', (r) => this.settings(projectOf(String(r.resource))).policy),
      GetProject: this.unary('GetProject', (r) => ({ name: r.name, parent: this.settings(projectOf(String(r.name))).parent ?? '', state: 'ACTIVE' })),
      TestIamPermissions: this.unary('TestIamPermissions', (r) => {
        const have = new Set(this.settings(projectOf(String(r.resource))).permissions);
        return { permissions: ((r.permissions as string[]) ?? []).filter((p) => have.has(p)) };
      }),
    });
    const folder = (name: string) => this.folders.get(name) ?? fail(grpc.status.NOT_FOUND, `${name} not found`);
    this.server.addService(folders.google.cloud.resourcemanager.v3.Folders.service, {
      GetFolder: this.unary('GetFolder', (r) => ({ name: r.name, parent: folder(String(r.name)).parent, state: 'ACTIVE' })),
      GetIamPolicy: this.unary('Folders.GetIamPolicy', (r) => folder(String(r.resource)).policy),
    });
    this.server.addService(organizations.google.cloud.resourcemanager.v3.Organizations.service, {
      GetIamPolicy: this.unary('Organizations.GetIamPolicy', (r) => (this.organizations.get(String(r.resource)) ?? fail(grpc.status.NOT_FOUND, `${String(r.resource)} not found`)).policy),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${this.options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    return this;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  addEntries(entries: Iterable<GkeEntry>): void {
    for (const e of entries) this.entries.push(e);
    this.sorted = false;
    this.hits.clear();
  }

  replaceEntries(entries: Iterable<GkeEntry>): void {
    this.entries = [];
    this.addEntries(entries);
  }

  /** Encode every entry now, so serving a page costs no encoding (benchmarks). */
  warm(): void {
    this.sort();
    for (const e of this.entries) toWire(e);
  }

  private sort(): void {
    if (this.sorted) return;
    const ns = new Map(this.entries.map((e) => [e, timeNs(e.timestamp)]));
    this.entries.sort((a, b) => {
      const d = ns.get(a)! - ns.get(b)!;
      return d < 0n ? -1 : d > 0n ? 1 : a.insertId < b.insertId ? -1 : a.insertId > b.insertId ? 1 : 0;
    });
    this.sorted = true;
  }

  /** The next calls of `method` fail (or wait) in this order. */
  inject(method: string, faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  deny(method: string): void {
    this.denied.add(method);
  }

  settings(project: string): ProjectSettings {
    let s = this.projects.get(project);
    if (!s) {
      s = {
        policy: { version: 1, bindings: [], audit_configs: [], etag: Buffer.from('etag') },
        permissions: ['logging.logEntries.list', 'logging.privateLogEntries.list'],
        sinks: {
          _Default: { name: '_Default', destination: `logging.googleapis.com/projects/${project}/locations/global/buckets/_Default`, filter: 'NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/activity")', exclusions: [] },
          _Required: { name: '_Required', destination: `logging.googleapis.com/projects/${project}/locations/global/buckets/_Required`, filter: 'LOG_ID("cloudaudit.googleapis.com/activity")' },
        },
        exclusions: [],
      };
      this.projects.set(project, s);
      for (const [b, days] of [['_Default', 30], ['_Required', 400]] as const) {
        const name = `projects/${project}/locations/global/buckets/${b}`;
        if (!this.buckets.has(name)) this.buckets.set(name, { name, retention_days: days, locked: b === '_Required', lifecycle_state: 'ACTIVE' });
      }
    }
    return s;
  }

  /** ListLogEntries calls seen for a project (attempts, throttled ones included). */
  listCalls(project: string): CallRecord[] {
    return this.calls.filter((c) => c.method === 'ListLogEntries' && c.project === project);
  }

  /** The most ListLogEntries calls of a project that fell in any window of `windowMs`. */
  maxCallsInWindow(project: string, windowMs: number): number {
    const at = this.listCalls(project).map((c) => c.at);
    let best = 0;
    for (let i = 0, j = 0; j < at.length; j++) {
      while (at[j]! - at[i]! >= windowMs) i++;
      best = Math.max(best, j - i + 1);
    }
    return best;
  }

  private unary(method: string, handler: (req: Obj) => Obj) {
    return (call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) => {
      const req = call.request;
      const project = projectOf(String(req.resource_names ? (req.resource_names as string[])[0] : (req.name ?? req.sink_name ?? req.parent ?? req.resource ?? '')));
      const record: CallRecord = { method, project, at: Date.now(), code: 0 };
      if (method === 'ListLogEntries') Object.assign(record, { filter: req.filter, pageToken: req.page_token || undefined, pageSize: req.page_size });
      this.calls.push(record);
      const answer = (code: number, details: string, value?: Obj) => {
        record.code = code;
        record.serveMs = Date.now() - record.at;
        if (code) callback({ code, details } as grpc.ServiceError);
        else callback(null, value);
      };
      const run = () => {
        if (this.denied.has(method)) return answer(grpc.status.PERMISSION_DENIED, `The caller does not have permission (${method})`);
        if (method === 'ListLogEntries' && this.options.quota) {
          const { limit, windowMs } = this.options.quota;
          const recent = this.listCalls(project).filter((c) => record.at - c.at < windowMs).length;
          if (recent > limit) return answer(grpc.status.RESOURCE_EXHAUSTED, `Quota exceeded for quota metric 'Read requests' of service logging.googleapis.com (${recent} > ${limit} per ${windowMs} ms)`);
        }
        try {
          answer(0, '', handler(req));
        } catch (err) {
          if (err instanceof GrpcFailure) answer(err.code, err.message);
          else if (err instanceof FilterError) answer(grpc.status.INVALID_ARGUMENT, `invalid filter: ${err.message}`);
          else answer(grpc.status.INTERNAL, String(err));
        }
      };
      const fault = this.faults.get(method)?.shift();
      const delay = (fault?.delayMs ?? 0) + (method === 'ListLogEntries' ? (this.options.pageDelayMs ?? 0) : 0);
      const go = () => (fault?.code ? answer(fault.code, fault.details ?? `injected ${grpc.status[fault.code]}`) : run());
      if (delay > 0) setTimeout(go, delay);
      else go();
    };
  }

  private listLogEntries(req: Obj): Obj {
    const names = (req.resource_names as string[] | undefined) ?? [];
    if (names.length !== 1 || !/^projects\/[^/]+$/.test(names[0]!)) throw new GrpcFailure(grpc.status.INVALID_ARGUMENT, 'resource_names must name one project');
    const orderBy = String(req.order_by ?? '');
    if (orderBy !== '' && orderBy !== 'timestamp asc') throw new GrpcFailure(grpc.status.INVALID_ARGUMENT, `the double orders by "timestamp asc" only, not ${orderBy}`);
    const pageSize = Number(req.page_size ?? 0) || 50;
    if (pageSize > 1000) throw new GrpcFailure(grpc.status.INVALID_ARGUMENT, 'page_size must be at most 1000');
    const project = projectOf(names[0]!);
    const filter = parseFilter(String(req.filter ?? ''));
    this.sort();
    // All pages of one query share its filter: filter once per query, not per page.
    const key = `${project}\n${String(req.filter ?? '')}`;
    let hits = this.hits.get(key);
    if (!hits) {
      hits = this.entries.filter((e) => e.logName.startsWith(`projects/${project}/logs/`) && matches(filter, e));
      this.hits.set(key, hits);
    }
    let offset = 0;
    if (req.page_token) {
      const t = JSON.parse(Buffer.from(String(req.page_token), 'base64url').toString()) as { f: string; o: number };
      if (t.f !== req.filter) throw new GrpcFailure(grpc.status.INVALID_ARGUMENT, 'page token of another query');
      offset = t.o;
    }
    const page = hits.slice(offset, offset + pageSize);
    const next = offset + page.length < hits.length ? Buffer.from(JSON.stringify({ f: req.filter, o: offset + page.length })).toString('base64url') : '';
    return { entries: page.map(toWire), next_page_token: next };
  }

  private getBucket(req: Obj): Obj {
    const b = this.buckets.get(String(req.name));
    if (!b) throw new GrpcFailure(grpc.status.NOT_FOUND, `bucket ${String(req.name)} not found`);
    return b;
  }

  private getSink(req: Obj): Obj {
    const name = String(req.sink_name);
    const s = this.settings(projectOf(name)).sinks[name.split('/').at(-1)!];
    if (!s) throw new GrpcFailure(grpc.status.NOT_FOUND, `sink ${name} not found`);
    return s;
  }
}

class GrpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function projectOf(name: string): string {
  return /^projects\/([^/]+)/.exec(name)?.[1] ?? '';
}

const wireCache = new WeakMap<GkeEntry, Obj>();

/** gcloud JSON -> google.logging.v2.LogEntry as the server's proto-loader expects it (snake_case). */
export function toWire(e: GkeEntry): Obj {
  const cached = wireCache.get(e);
  if (cached) return cached;
  const ts = (s: string) => {
    const n = timeNs(s);
    return { seconds: String(n / 1_000_000_000n), nanos: Number(n % 1_000_000_000n) };
  };
  const op = e.operation as Obj | undefined;
  const w: Obj = {
    log_name: e.logName,
    resource: e.resource,
    timestamp: ts(e.timestamp),
    receive_timestamp: ts(e.receiveTimestamp),
    insert_id: e.insertId,
    labels: e.labels ?? {},
    ...(e.severity ? { severity: e.severity } : {}),
    ...(op ? { operation: { id: op.id ?? '', producer: op.producer ?? '', first: Boolean(op.first), last: Boolean(op.last) } } : {}),
    ...(e.protoPayload
      ? { proto_payload: { type_url: (e.protoPayload as Obj)['@type'], value: Buffer.from(encodeAuditLog(e.protoPayload as Obj)) } }
      : {}),
  };
  wireCache.set(e, w);
  return w;
}

function argValues(argv: string[], name: string): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === name && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
  });
  return out;
}

async function main(argv: string[]): Promise<void> {
  const one = (n: string) => argValues(argv, n)[0];
  const quota = one('--quota');
  const fake = await new CloudLoggingFake({
    port: Number(one('--port') ?? 0),
    quota: quota ? { limit: Number(quota), windowMs: 60_000 } : undefined,
    pageDelayMs: Number(one('--page-delay-ms') ?? 0),
  }).start();
  const file = one('--entries');
  if (file) {
    let seen = -1;
    const reload = () => {
      const m = statSync(file).mtimeMs;
      if (m === seen) return;
      seen = m;
      const text = readFileSync(file, 'utf8').trim();
      const list = (text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l))) as GkeEntry[];
      fake.replaceEntries(list);
    };
    reload();
    setInterval(reload, 500).unref();
  }
  const n = Number(one('--generate') ?? 0);
  if (n > 0) {
    const project = one('--project') ?? 'demo-project';
    const clusters = argValues(argv, '--cluster').map((c) => ({ location: c.split('/')[0]!, cluster: c.split('/')[1]! }));
    fake.addEntries(
      traffic({
        project,
        clusters: clusters.length ? clusters : [{ location: 'europe-west1', cluster: 'prod' }],
        count: n,
        startMs: Date.parse(one('--start') ?? new Date(Date.now() - 3600e3).toISOString()),
        spacingMs: Number(one('--spacing-ms') ?? 10),
      }),
    );
  }
  process.stdout.write(`${fake.port}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`cloud-logging double: ${String(err)}\n`);
    process.exit(1);
  });
}

function fail(code: number, message: string): never {
  throw new GrpcFailure(code, message);
}
