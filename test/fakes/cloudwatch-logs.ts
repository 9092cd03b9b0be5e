/**
 * A wire-level test double for the AWS APIs the EKS source calls, on 127.0.0.1 over plain HTTP, for the
 * real SDK clients pointed at it with `endpoint`:
 *   CloudWatch Logs (AWS JSON 1.1, POST / with x-amz-target: Logs_20140328.FilterLogEvents | DescribeLogGroups)
 *   EKS (restJson1, GET /clusters/{name})
 *   STS (awsQuery, POST / form body: GetCallerIdentity, AssumeRole)
 * It serves audit events (generated series and explicit events) across rotating streams, pages them with
 * tokens (optionally with empty pages that still carry a token), caps pages at N events / M bytes like
 * CloudWatch, injects throttling storms, 500s, connection resets and denials, and records the arrival time
 * of every CloudWatch Logs request per account + region so a test can assert the quota was never exceeded.
 *
 * The account of a request is the one its access key belongs to (SigV4 Credential scope), the region
 * comes from the same scope.
 *
 * Standalone (for CLI tests and benchmarks):
 *   npx tsx test/fakes/cloudwatch-logs.ts --port 0 --events 100000 [--cluster demo | --clusters a,b] [--from 24h] [--to 2m]
 *     [--page-events 10000] [--page-bytes 1048576] [--quota 5] [--empty-pages 1] [--truncate-every 0]
 *     [--rotate-every 50000] [--account 111122223333] [--region us-east-1]
 * prints one JSON line {port, endpoint, region, account, accessKeyId, secretAccessKey, cluster, logGroup, clusters, ...}
 * (with --clusters, each cluster gets /aws/eks/<name>/cluster and --events events of its own)
 * and serves until SIGTERM/SIGINT. GET /_double/stats reports requests and the busiest quota window;
 * POST /_double/events {logGroup, events:[{timestamp, logStreamName, message, ingestionTime?}]} adds events;
 * POST /_double/series {logGroup, count, from, to, ...SeriesSpec} adds a generated series.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { MAX_EVENT_JSON_BYTES, Series, type SeriesSpec } from './audit-event-generator.js';

export interface ExplicitEvent {
  timestamp: number;
  logStreamName: string;
  message: string;
  ingestionTime?: number;
  eventId?: string;
}

interface StoredEvent {
  timestamp: number;
  ingestionTime: number;
  logStreamName: string;
  eventId: string;
  messageJson: string;
}

/** A sorted run of events: a generated series or the explicit events of a group. */
interface Track {
  readonly length: number;
  timestamp(i: number): number;
  ingestionTime(i: number): number;
  stream(i: number): string;
  eventId(i: number): string;
  messageJson(i: number): string;
  /** Event i as JSON into buf at off; returns the new offset. */
  write(i: number, buf: Buffer, off: number): number;
  /** Most bytes event i can take. */
  maxBytes(i: number): number;
}

class ExplicitTrack implements Track {
  events: StoredEvent[] = [];
  get length() {
    return this.events.length;
  }
  timestamp(i: number) {
    return this.events[i]!.timestamp;
  }
  ingestionTime(i: number) {
    return this.events[i]!.ingestionTime;
  }
  stream(i: number) {
    return this.events[i]!.logStreamName;
  }
  eventId(i: number) {
    return this.events[i]!.eventId;
  }
  messageJson(i: number) {
    return this.events[i]!.messageJson;
  }
  write(i: number, buf: Buffer, off: number) {
    const e = this.events[i]!;
    return off + buf.write(`{"logStreamName":${JSON.stringify(e.logStreamName)},"timestamp":${e.timestamp},"message":"${e.messageJson}","ingestionTime":${e.ingestionTime},"eventId":"${e.eventId}"}`, off, 'utf8');
  }
  maxBytes(i: number) {
    const e = this.events[i]!;
    return 3 * (e.messageJson.length + e.logStreamName.length) + 200;
  }
}

class SeriesTrack implements Track {
  constructor(readonly series: Series) {}
  get length() {
    return this.series.length;
  }
  timestamp(i: number) {
    return this.series.timestamp(i);
  }
  ingestionTime(i: number) {
    return this.series.ingestionTime(i);
  }
  stream(i: number) {
    return this.series.stream(i);
  }
  eventId(i: number) {
    return this.series.eventId(i);
  }
  messageJson(i: number) {
    return this.series.messageJson(i);
  }
  write(i: number, buf: Buffer, off: number) {
    return this.series.writeEventJson(i, buf, off);
  }
  maxBytes() {
    return MAX_EVENT_JSON_BYTES;
  }
}

export interface LogGroupSpec {
  retentionInDays?: number;
  logGroupClass?: 'STANDARD' | 'INFREQUENT_ACCESS';
  account?: string;
  region?: string;
}

class LogGroup {
  readonly explicit = new ExplicitTrack();
  readonly tracks: Track[] = [this.explicit];
  readonly creationTime = Date.UTC(2024, 0, 1);
  constructor(
    readonly name: string,
    readonly spec: LogGroupSpec,
  ) {}
}

export interface ClusterSpec {
  version?: string;
  /** Log types enabled (the rest are listed as disabled). */
  enabledLogTypes?: string[];
  account?: string;
  region?: string;
}

export type Operation = 'FilterLogEvents' | 'DescribeLogGroups' | 'DescribeCluster' | 'GetCallerIdentity' | 'AssumeRole';
export type FaultKind = 'throttle' | 'server' | 'reset' | 'denied' | 'not-found';

export interface Fault {
  op: Operation | '*';
  kind: FaultKind;
  /** How many matching requests fail (in a row, as they arrive). */
  count: number;
  /** Only requests for this log group / cluster. */
  target?: string;
  /** Let this many matching requests through first. */
  after?: number;
  /** Only requests whose input passes this test (in-process use). */
  match?: (input: Record<string, unknown>) => boolean;
  /** Answer the failure after this long. */
  delayMs?: number;
}

export interface RecordedRequest {
  /** Arrival, ms on this process's monotonic clock. */
  at: number;
  op: Operation | 'unknown';
  service: 'logs' | 'eks' | 'sts' | 'unknown';
  account: string | null;
  region: string | null;
  status: number;
  /** What was wrong, when the double answered with an error. */
  error?: string;
  params?: Record<string, unknown>;
  events?: number;
}

export interface DoubleOptions {
  /** Most events in one FilterLogEvents page (CloudWatch: 10,000). */
  pageEvents?: number;
  /** Page size cap in bytes of message text (CloudWatch: 1 MB). */
  pageBytes?: number;
  /** Empty pages (with a nextToken) served before every page that has events. */
  emptyPages?: number;
  /** Enforce FilterLogEvents + DescribeLogGroups at this many requests per account+region per second (ThrottlingException beyond). */
  quota?: number;
  quotaWindowMs?: number;
  region?: string;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface Principal {
  account: string;
  arn: string;
  userId: string;
}

interface PageToken {
  g: string;
  s: number;
  e: number;
  p: string;
  pos: number[];
  empty: number;
}

export class CloudWatchLogsDouble {
  readonly groups = new Map<string, LogGroup>();
  readonly clusters = new Map<string, ClusterSpec>();
  readonly requests: RecordedRequest[] = [];
  /** IAM actions answered with AccessDenied, e.g. 'eks:DescribeCluster'. */
  readonly denied = new Set<string>();
  readonly faults: Fault[] = [];
  readonly options: Required<Omit<DoubleOptions, 'quota'>> & { quota?: number };
  private readonly principals = new Map<string, Principal>();
  private server?: Server;
  private seed = 0;
  private readonly arrivals = new Map<string, number[]>();
  port = 0;

  constructor(opts: DoubleOptions = {}) {
    this.options = {
      pageEvents: opts.pageEvents ?? 10_000,
      pageBytes: opts.pageBytes ?? 1024 * 1024,
      emptyPages: opts.emptyPages ?? 0,
      quota: opts.quota,
      quotaWindowMs: opts.quotaWindowMs ?? 1000,
      region: opts.region ?? 'us-east-1',
    };
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  // ---- identities ----

  /** Long-term credentials of an IAM user in `account`. */
  credentialsFor(account: string, user = 'kubetrail'): Credentials {
    const accessKeyId = `AKIA${account.slice(-8)}${hexUpper(this.principals.size, 8)}`;
    const c = { accessKeyId, secretAccessKey: `secret-${account}-${this.principals.size}` };
    this.principals.set(accessKeyId, { account, arn: `arn:aws:iam::${account}:user/${user}`, userId: `AIDA${account}` });
    return c;
  }

  // ---- data ----

  addLogGroup(name: string, spec: LogGroupSpec = {}): this {
    if (!this.groups.has(name)) this.groups.set(name, new LogGroup(name, spec));
    return this;
  }

  addCluster(name: string, spec: ClusterSpec = {}): this {
    this.clusters.set(name, spec);
    return this;
  }

  /** A generated series of events in `logGroup` (created if absent). */
  generate(logGroup: string, spec: Omit<SeriesSpec, 'seed'> & { seed?: number }): Series {
    this.addLogGroup(logGroup);
    const series = new Series({ ...spec, seed: spec.seed ?? ++this.seed });
    this.groups.get(logGroup)!.tracks.push(new SeriesTrack(series));
    return series;
  }

  /** Events given one by one (late arrivals, equal timestamps, odd messages). */
  addEvents(logGroup: string, events: readonly ExplicitEvent[]): StoredEvent[] {
    this.addLogGroup(logGroup);
    const track = this.groups.get(logGroup)!.explicit;
    const stored = events.map((e, k) => ({
      timestamp: e.timestamp,
      ingestionTime: e.ingestionTime ?? e.timestamp + 1000,
      logStreamName: e.logStreamName,
      eventId: e.eventId ?? `${String(e.timestamp).padStart(14, '0')}999999${String(track.events.length + k).padStart(36, '0')}`,
      messageJson: JSON.stringify(e.message).slice(1, -1),
    }));
    track.events.push(...stored);
    track.events.sort((a, b) => a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime || (a.eventId < b.eventId ? -1 : 1));
    return stored;
  }

  inject(fault: Fault): this {
    this.faults.push({ ...fault });
    return this;
  }

  // ---- observations ----

  /** Most requests (FilterLogEvents + DescribeLogGroups) seen in any window of `windowMs` for an account+region. */
  maxInWindow(account: string, region = this.options.region, windowMs = 1000): number {
    const times = this.requests
      .filter((r) => r.service === 'logs' && r.account === account && r.region === region)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    let best = 0;
    for (let lo = 0, hi = 0; hi < times.length; hi++) {
      while (times[hi]! - times[lo]! >= windowMs) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  /** Throws when any `windowMs` window held more than `limit` CloudWatch Logs requests of one account+region. */
  assertQuota(limit: number, windowMs = 1000): void {
    const keys = new Set(this.requests.filter((r) => r.service === 'logs').map((r) => `${r.account}|${r.region}`));
    for (const k of keys) {
      const [account, region] = k.split('|') as [string, string];
      const n = this.maxInWindow(account, region, windowMs);
      if (n > limit) throw new Error(`quota exceeded: ${n} CloudWatch Logs requests within ${windowMs} ms for account ${account} in ${region} (limit ${limit})`);
    }
  }

  count(op: Operation, filter: (r: RecordedRequest) => boolean = () => true): number {
    return this.requests.filter((r) => r.op === op && filter(r)).length;
  }

  // ---- the wire ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return;
    }
    const url = req.url ?? '/';
    if (url.startsWith('/_double/')) return this.control(req.method ?? 'GET', url, body, res);

    const auth = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    const principal = auth ? this.principals.get(auth[1]!) : undefined;
    const region = auth?.[2] ?? null;
    const target = String(req.headers['x-amz-target'] ?? '');
    const rec: RecordedRequest = { at, op: 'unknown', service: 'unknown', account: principal?.account ?? null, region, status: 200 };
    this.requests.push(rec);

    try {
      if (target.startsWith('Logs_20140328.')) {
        rec.service = 'logs';
        rec.op = target.slice('Logs_20140328.'.length) as Operation;
        return this.logs(rec, principal, parseJson(body), res);
      }
      if (req.method === 'GET' && url.startsWith('/clusters/')) {
        rec.service = 'eks';
        rec.op = 'DescribeCluster';
        return this.eks(rec, principal, decodeURIComponent(url.slice('/clusters/'.length).split('?')[0]!), res);
      }
      const form = new URLSearchParams(body.toString('utf8'));
      if (req.method === 'POST' && form.has('Action')) {
        rec.service = 'sts';
        rec.op = form.get('Action') as Operation;
        return this.sts(rec, principal, form, res);
      }
      send(res, rec, 404, 'application/json', JSON.stringify({ message: `the double does not serve ${req.method} ${url}` }), 'UnknownOperationException');
    } catch (err) {
      send(res, rec, 500, 'application/json', JSON.stringify({ __type: 'InternalFailure', message: String(err) }), 'InternalFailure');
    }
  }

  /** A fault queued for this request, consumed. */
  private takeFault(op: Operation, target?: string, input: Record<string, unknown> = {}): Fault | undefined {
    const f = this.faults.find(
      (x) => x.count > 0 && (x.op === '*' || x.op === op) && (!x.target || x.target === target) && (!x.match || x.match(input)),
    );
    if (!f) return undefined;
    if (f.after) {
      f.after--;
      return undefined;
    }
    f.count--;
    return f;
  }

  private async logs(rec: RecordedRequest, principal: Principal | undefined, input: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const json = 'application/x-amz-json-1.1';
    const fail = (status: number, type: string, message: string) => send(res, rec, status, json, JSON.stringify({ __type: type, message }), type);
    const group = String(input.logGroupName ?? input.logGroupNamePrefix ?? '');
    rec.params = { ...input, nextToken: input.nextToken === undefined ? undefined : '(token)' };
    if (!principal) return fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');

    if (this.options.quota !== undefined) {
      const key = `${principal.account}|${rec.region}`;
      const list = this.arrivals.get(key) ?? [];
      while (list.length && rec.at - list[0]! >= this.options.quotaWindowMs) list.shift();
      list.push(rec.at);
      this.arrivals.set(key, list);
      if (list.length > this.options.quota) return fail(400, 'ThrottlingException', 'Rate exceeded');
    }
    const f = this.takeFault(rec.op as Operation, group, input);
    const fault = f?.kind;
    if (f?.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (fault === 'reset') {
      rec.status = 0;
      rec.error = 'reset';
      res.socket?.destroy();
      return;
    }
    if (fault === 'throttle') return fail(400, 'ThrottlingException', 'Rate exceeded');
    if (fault === 'server') return fail(500, 'ServiceUnavailableException', 'The service cannot complete the request.');
    const action = `logs:${rec.op}`;
    if (fault === 'denied' || this.denied.has(action)) {
      return fail(400, 'AccessDeniedException', `User: ${principal.arn} is not authorized to perform: ${action} on resource: arn:aws:logs:${rec.region}:${principal.account}:log-group:${group}:*`);
    }

    if (rec.op === 'DescribeLogGroups') {
      const prefix = String(input.logGroupNamePrefix ?? '');
      const logGroups = [...this.groups.values()]
        .filter((g) => g.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((g) => ({
          logGroupName: g.name,
          creationTime: g.creationTime,
          ...(g.spec.retentionInDays === undefined ? {} : { retentionInDays: g.spec.retentionInDays }),
          metricFilterCount: 0,
          arn: `arn:aws:logs:${rec.region}:${principal.account}:log-group:${g.name}:*`,
          logGroupArn: `arn:aws:logs:${rec.region}:${principal.account}:log-group:${g.name}`,
          storedBytes: 12345,
          logGroupClass: g.spec.logGroupClass ?? 'STANDARD',
        }));
      return send(res, rec, 200, json, JSON.stringify({ logGroups }));
    }
    if (rec.op !== 'FilterLogEvents') return fail(400, 'InvalidAction', `the double does not serve ${rec.op}`);

    const g = this.groups.get(String(input.logGroupName ?? ''));
    if (fault === 'not-found' || !g) return fail(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    if (g.spec.logGroupClass === 'INFREQUENT_ACCESS') {
      return fail(400, 'InvalidParameterException', 'FilterLogEvents is not supported for log groups of the INFREQUENT_ACCESS class.');
    }
    const start = num(input.startTime) ?? 0;
    const end = num(input.endTime) ?? Number.MAX_SAFE_INTEGER;
    const prefix = String(input.logStreamNamePrefix ?? '');
    const limit = Math.min(num(input.limit) ?? 10_000, this.options.pageEvents);
    let tok: PageToken;
    if (typeof input.nextToken === 'string') {
      const t = decodeToken(input.nextToken);
      if (!t || t.g !== g.name || t.s !== start || t.e !== end || t.p !== prefix) return fail(400, 'InvalidParameterException', 'The nextToken is invalid for this request.');
      tok = t;
    } else {
      // Positions where each track's events reach startTime (tracks are sorted by timestamp).
      tok = { g: g.name, s: start, e: end, p: prefix, pos: g.tracks.map((t) => lowerBound(t, start)), empty: 0 };
    }
    while (tok.pos.length < g.tracks.length) tok.pos.push(lowerBound(g.tracks[tok.pos.length]!, start));

    if (tok.empty < this.options.emptyPages) {
      const next = { ...tok, empty: tok.empty + 1 };
      rec.events = 0;
      return send(res, rec, 200, json, `{"events":[],"searchedLogStreams":[],"nextToken":"${encodeToken(next)}"}`);
    }

    const pos = [...tok.pos];
    let buf = Buffer.allocUnsafe(64 * 1024);
    let off = buf.write('{"events":[', 0, 'latin1');
    let count = 0;
    let bytes = 0;
    for (;;) {
      // Next event in (timestamp, ingestionTime, eventId) order across the tracks, skipping streams outside the prefix.
      let best = -1;
      for (let k = 0; k < g.tracks.length; k++) {
        const t = g.tracks[k]!;
        while (pos[k]! < t.length && t.timestamp(pos[k]!) <= end && !t.stream(pos[k]!).startsWith(prefix)) pos[k]!++;
        if (pos[k]! >= t.length || t.timestamp(pos[k]!) > end) continue;
        if (best < 0 || before(t, pos[k]!, g.tracks[best]!, pos[best]!)) best = k;
      }
      if (best < 0 || count >= limit) break;
      // Let other requests in while a big page is built, so their arrival times are taken when they arrive.
      if (count > 0 && count % 500 === 0) await new Promise((r) => setImmediate(r));
      const t = g.tracks[best]!;
      const i = pos[best]!;
      const need = t.maxBytes(i) + 1;
      if (off + need + 1024 > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + need + 1024));
        buf.copy(bigger, 0, 0, off);
        buf = bigger;
      }
      const at = off;
      if (count > 0) buf[off++] = 0x2c; // ,
      off = t.write(i, buf, off);
      // CloudWatch stops a page at 1 MB (here: of event JSON); one event always fits.
      if (count > 0 && bytes + (off - at) > this.options.pageBytes) {
        off = at;
        break;
      }
      bytes += off - at;
      count++;
      pos[best]!++;
    }
    const more = g.tracks.some((t, k) => {
      let p = pos[k]!;
      while (p < t.length && t.timestamp(p) <= end && !t.stream(p).startsWith(prefix)) p++;
      pos[k] = p;
      return p < t.length && t.timestamp(p) <= end;
    });
    rec.events = count;
    const tail = `],"searchedLogStreams":[]${more ? `,"nextToken":"${encodeToken({ ...tok, pos, empty: 0 })}"` : ''}}`;
    if (off + tail.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafe(off + tail.length * 3);
      buf.copy(bigger, 0, 0, off);
      buf = bigger;
    }
    off += buf.write(tail, off, 'utf8');
    send(res, rec, 200, json, buf.subarray(0, off));
  }

  private eks(rec: RecordedRequest, principal: Principal | undefined, name: string, res: ServerResponse): void {
    const json = 'application/json';
    const fail = (status: number, type: string, message: string) => {
      res.setHeader('x-amzn-errortype', type);
      send(res, rec, status, json, JSON.stringify({ message }), type);
    };
    if (!principal) return fail(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const fault = this.takeFault('DescribeCluster', name)?.kind;
    if (fault === 'throttle') return fail(429, 'ThrottlingException', 'Rate exceeded');
    if (fault === 'server') return fail(500, 'ServerException', 'internal error');
    if (fault === 'denied' || this.denied.has('eks:DescribeCluster')) {
      return fail(403, 'AccessDeniedException', `User: ${principal.arn} is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:${rec.region}:${principal.account}:cluster/${name}`);
    }
    const c = this.clusters.get(name);
    if (!c || fault === 'not-found') return fail(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`);
    const enabled = c.enabledLogTypes ?? ['api', 'audit'];
    const all = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
    const disabled = all.filter((t) => !enabled.includes(t));
    const cluster = {
      name,
      arn: `arn:aws:eks:${rec.region}:${principal.account}:cluster/${name}`,
      createdAt: 1704067200.123,
      version: c.version ?? '1.29',
      status: 'ACTIVE',
      endpoint: 'https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com',
      logging: {
        clusterLogging: [...(enabled.length ? [{ types: enabled, enabled: true }] : []), ...(disabled.length ? [{ types: disabled, enabled: false }] : [])],
      },
    };
    send(res, rec, 200, json, JSON.stringify({ cluster }));
  }

  private sts(rec: RecordedRequest, principal: Principal | undefined, form: URLSearchParams, res: ServerResponse): void {
    const xml = 'text/xml';
    const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
    const requestId = randomBytes(8).toString('hex');
    const fail = (status: number, code: string, message: string) =>
      send(res, rec, status, xml, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`, code);
    if (!principal) return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const fault = this.takeFault(rec.op as Operation)?.kind;
    if (fault === 'server') return fail(500, 'InternalFailure', 'internal error');
    if (rec.op === 'GetCallerIdentity') {
      return send(
        res,
        rec,
        200,
        xml,
        `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult><Arn>${esc(principal.arn)}</Arn><UserId>${principal.userId}</UserId><Account>${principal.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    }
    if (rec.op === 'AssumeRole') {
      const roleArn = form.get('RoleArn') ?? '';
      const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
      if (!m) return fail(400, 'ValidationError', `invalid RoleArn ${roleArn}`);
      if (fault === 'denied' || this.denied.has('sts:AssumeRole')) {
        return fail(403, 'AccessDenied', `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const session = form.get('RoleSessionName') ?? 'session';
      const role = m[2]!.split('/').pop()!;
      const accessKeyId = `ASIA${m[1]!.slice(-8)}${hexUpper(this.principals.size, 8)}`;
      this.principals.set(accessKeyId, { account: m[1]!, arn: `arn:aws:sts::${m[1]}:assumed-role/${role}/${session}`, userId: `AROAEXAMPLE:${session}` });
      rec.params = { RoleArn: roleArn, RoleSessionName: session };
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      return send(
        res,
        rec,
        200,
        xml,
        `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>secret-${accessKeyId}</SecretAccessKey><SessionToken>token-${accessKeyId}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${esc(session)}</AssumedRoleId><Arn>arn:aws:sts::${m[1]}:assumed-role/${esc(role)}/${esc(session)}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    }
    return fail(400, 'InvalidAction', `the double does not serve ${rec.op}`);
  }

  /** Control and observation endpoints for a double running as its own process. */
  private control(method: string, url: string, body: Buffer, res: ServerResponse): void {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      if (method === 'GET' && url.startsWith('/_double/stats')) {
        const byOp: Record<string, number> = {};
        for (const r of this.requests) byOp[r.op] = (byOp[r.op] ?? 0) + 1;
        const windows = [...new Set(this.requests.filter((r) => r.service === 'logs').map((r) => `${r.account}|${r.region}`))].map((k) => {
          const [account, region] = k.split('|') as [string, string];
          return { account, region, maxInOneSecond: this.maxInWindow(account, region, 1000) };
        });
        return reply(200, { requests: this.requests.length, byOp, throttledByDouble: this.requests.filter((r) => r.error === 'ThrottlingException').length, windows });
      }
      const input = parseJson(body);
      if (method === 'POST' && url === '/_double/events') {
        const stored = this.addEvents(String(input.logGroup), (input.events as ExplicitEvent[]) ?? []);
        return reply(200, { added: stored.length });
      }
      if (method === 'POST' && url === '/_double/series') {
        const { logGroup, ...spec } = input as unknown as { logGroup: string } & SeriesSpec;
        const s = this.generate(logGroup, spec);
        return reply(200, { seed: s.spec.seed, count: s.length });
      }
      if (method === 'POST' && url === '/_double/faults') {
        this.inject(input as unknown as Fault);
        return reply(200, { ok: true });
      }
      reply(404, { message: `unknown control ${method} ${url}` });
    } catch (err) {
      reply(400, { message: String(err) });
    }
  }
}

function before(a: Track, i: number, b: Track, j: number): boolean {
  const ta = a.timestamp(i);
  const tb = b.timestamp(j);
  if (ta !== tb) return ta < tb;
  const ia = a.ingestionTime(i);
  const ib = b.ingestionTime(j);
  if (ia !== ib) return ia < ib;
  return a.eventId(i) < b.eventId(j);
}

function lowerBound(t: Track, ts: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.timestamp(mid) < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function send(res: ServerResponse, rec: RecordedRequest, status: number, type: string, body: string | Buffer, error?: string): void {
  rec.status = status;
  if (error) rec.error = error;
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomBytes(8).toString('hex'), 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(b: Buffer): Record<string, unknown> {
  if (!b.length) return {};
  return JSON.parse(b.toString('utf8')) as Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const hexUpper = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const encodeToken = (t: PageToken): string => Buffer.from(JSON.stringify(t)).toString('base64url');
function decodeToken(s: string): PageToken | undefined {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as PageToken;
  } catch {
    return undefined;
  }
}

// ---- standalone ----

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    out[key] = inline ?? argv[++k] ?? '';
  }
  return out;
}

/** "24h", "90s", "2m" ago, or an ISO time. */
function when(text: string, now: number): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (m) return now - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 's']!;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`not a time: ${text}`);
  return t;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const now = Date.now();
  const account = a.account ?? '111122223333';
  const region = a.region ?? 'us-east-1';
  const cluster = a.cluster ?? 'demo';
  const logGroup = a['log-group'] ?? `/aws/eks/${cluster}/cluster`;
  const double = new CloudWatchLogsDouble({
    pageEvents: a['page-events'] ? Number(a['page-events']) : undefined,
    pageBytes: a['page-bytes'] ? Number(a['page-bytes']) : undefined,
    emptyPages: a['empty-pages'] ? Number(a['empty-pages']) : undefined,
    quota: a.quota ? Number(a.quota) : undefined,
    region,
  });
  const creds = double.credentialsFor(account);
  const names = (a.clusters ?? cluster).split(',').filter(Boolean);
  const events = Number(a.events ?? 0);
  const from = when(a.from ?? '24h', now);
  const to = when(a.to ?? '2m', now);
  const clusters = names.map((name, k) => {
    const group = names.length === 1 ? logGroup : `/aws/eks/${name}/cluster`;
    double.addCluster(name, { version: a.version ?? '1.29' });
    double.addLogGroup(group, a.retention ? { retentionInDays: Number(a.retention) } : {});
    if (events > 0) {
      double.generate(group, {
        count: events,
        from,
        to,
        seed: (a.seed ? Number(a.seed) : 1) + k,
        rotateEvery: a['rotate-every'] ? Number(a['rotate-every']) : Math.max(1, Math.ceil(events / 8)),
        truncateEvery: a['truncate-every'] ? Number(a['truncate-every']) : undefined,
        account,
      });
    }
    return { cluster: name, logGroup: group };
  });
  await double.start(Number(a.port ?? 0));
  process.stdout.write(
    JSON.stringify({
      port: double.port,
      endpoint: double.endpoint,
      region,
      account,
      ...creds,
      cluster: clusters[0]!.cluster,
      logGroup: clusters[0]!.logGroup,
      clusters,
      events,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    }) + '\n',
  );
  const bye = () => void double.stop().then(() => process.exit(0));
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`cloudwatch-logs double: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
