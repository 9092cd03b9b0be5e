/**
 * Deterministic EKS-style audit events for the CloudWatch Logs double: event i of a series is a pure
 * function of (series options, i), so a million events cost no memory and tests can ask for the input
 * they expect to find landed. The text is built from a template whose JSON-string escaping is done once,
 * so the double can serve pages of 10,000 events without spending the CPU the client under test needs.
 */

export interface SeriesSpec {
  /** Distinguishes series: auditIDs, eventIds and stream names derive from it. */
  seed: number;
  count: number;
  /** Timestamps spread evenly over [from, to) (epoch ms); several events share a millisecond when count > to - from. */
  from: number;
  to: number;
  /** API server instances writing at once (each has its own stream). */
  apiServers?: number;
  /** Events per stream before EKS rotates to a new stream (per server). */
  rotateEvery?: number;
  /** ms between the event and its ingestion (plus up to 999 ms of spread). */
  ingestionDelayMs?: number;
  /** Every n-th message is cut short, as CloudWatch does to events over its size limit. */
  truncateEvery?: number;
  /** 'audit': kube-apiserver-audit-* streams; 'apiserver': kube-apiserver-* streams with plain log lines (must not be read). */
  kind?: 'audit' | 'apiserver';
  /** AWS account shown in user.extra (cosmetic). */
  account?: string;
}

export interface GeneratedEvent {
  timestamp: number;
  ingestionTime: number;
  logStreamName: string;
  eventId: string;
  /** The message as CloudWatch stores it. */
  message: string;
  truncated: boolean;
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
const RESOURCES = ['pods', 'configmaps', 'services', 'serviceaccounts', 'secrets', 'endpoints'] as const;
const USERS = [
  { user: 'kubernetes-admin', group: 'system:masters', role: 'EKSAdmin', session: 'alice' },
  { user: 'system:serviceaccount:kube-system:replicaset-controller', group: 'system:serviceaccounts', role: 'NodeRole', session: 'i-0abc' },
  { user: 'deployer', group: 'ci:deployers', role: 'GitHubActions', session: 'gha-run' },
] as const;
const AGENTS = ['kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819', 'kube-controller-manager/v1.29.1 (linux/amd64) kubernetes/bc401b9/system:serviceaccount:kube-system:replicaset-controller', 'helm/3.14.0'];

// The message template; {X} are filled per event with values that never need JSON escaping. The reason
// annotation carries escaped quotes, as real EKS events do.
const TEMPLATE =
  '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"{LEVEL}","auditID":"{AUDIT}","stage":"ResponseComplete",' +
  '"requestURI":"{URI}","verb":"{VERB}","user":{"username":"{USER}","uid":"aws-iam-authenticator:{ACCT}:AROAEXAMPLEPRINCIPAL{U}",' +
  '"groups":["{GROUP}","system:authenticated"],"extra":{"accessKeyId":["ASIAEXAMPLEKEY0000{U}"],' +
  '"arn":["arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{SESSION}"],"canonicalArn":["arn:aws:iam::{ACCT}:role/{ROLE}"],' +
  '"principalId":["AROAEXAMPLEPRINCIPAL{U}"],"sessionName":["{SESSION}"]}},"sourceIPs":["{IP}"],"userAgent":"{UA}",' +
  '"objectRef":{"resource":"{RES}","namespace":"{NS}","name":"{NAME}","apiVersion":"v1"},' +
  '"responseStatus":{"metadata":{},"code":{CODE}},"requestReceivedTimestamp":"{RRT}","stageTimestamp":"{ST}",' +
  '"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"EKS Access Policy: allowed by ClusterRoleBinding \\"{BINDING}\\" of ClusterRole \\"cluster-admin\\" to Group \\"{GROUP}\\"",' +
  '"pod-security.kubernetes.io/enforce-policy":"privileged:latest"}}';

const SLOTS = ['LEVEL', 'AUDIT', 'URI', 'VERB', 'USER', 'ACCT', 'U', 'GROUP', 'ROLE', 'SESSION', 'IP', 'UA', 'RES', 'NS', 'NAME', 'CODE', 'RRT', 'ST', 'BINDING'] as const;
type Slot = (typeof SLOTS)[number];

function compile(template: string): { parts: string[]; slots: Slot[] } {
  const parts: string[] = [];
  const slots: Slot[] = [];
  const re = /\{([A-Z]+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    parts.push(template.slice(last, m.index));
    slots.push(m[1] as Slot);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return { parts, slots };
}

const RAW = compile(TEMPLATE);
// The same template as the inside of a JSON string (what FilterLogEvents' body carries), as bytes.
const ESCAPED = compile(JSON.stringify(TEMPLATE).slice(1, -1));
/** Bytes one generated FilterLogEvents event takes at most (a page buffer is sized from it). */
export const MAX_EVENT_JSON_BYTES = 4096;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);

export class Series {
  readonly kind: 'audit' | 'apiserver';
  private readonly span: number;
  private readonly streams = new Map<number, string>();

  constructor(readonly spec: SeriesSpec) {
    if (spec.count < 0 || spec.to <= spec.from) throw new Error('a series needs count >= 0 and from < to');
    this.kind = spec.kind ?? 'audit';
    this.span = spec.to - spec.from;
  }

  get length(): number {
    return this.spec.count;
  }

  timestamp(i: number): number {
    return this.spec.from + Math.floor((i * this.span) / this.spec.count);
  }

  ingestionTime(i: number): number {
    return this.timestamp(i) + (this.spec.ingestionDelayMs ?? 1500) + (i % 1000);
  }

  stream(i: number): string {
    const servers = this.spec.apiServers ?? 2;
    const server = i % servers;
    const rotation = this.spec.rotateEvery ? Math.floor(i / this.spec.rotateEvery) : 0;
    const key = rotation * servers + server;
    let name = this.streams.get(key);
    if (name === undefined) {
      const id = `${hex(this.spec.seed, 8)}${hex(server, 8)}${hex(rotation, 8)}5eed0000`;
      name = this.kind === 'audit' ? `kube-apiserver-audit-${id}` : `kube-apiserver-${id}`;
      this.streams.set(key, name);
    }
    return name;
  }

  /** 56 digits, unique across series, like CloudWatch's. */
  eventId(i: number): string {
    return `${String(this.timestamp(i)).padStart(14, '0')}${String(this.spec.seed).padStart(6, '0')}${String(i).padStart(36, '0')}`;
  }

  auditId(i: number): string {
    return `${hex(this.spec.seed, 8)}-0000-4000-8000-${hex(i, 12)}`;
  }

  truncated(i: number): boolean {
    const n = this.spec.truncateEvery;
    return this.kind === 'audit' && !!n && i % n === n - 1;
  }

  /** The message text, as stored. */
  message(i: number): string {
    if (this.kind === 'apiserver') return this.logLine(i);
    const full = fill(RAW, this.values(i));
    return this.truncated(i) ? full.slice(0, 300) : full;
  }

  /** The message as the inside of a JSON string. */
  messageJson(i: number): string {
    if (this.kind === 'apiserver' || this.truncated(i)) return JSON.stringify(this.message(i)).slice(1, -1);
    return fill(ESCAPED, this.values(i));
  }

  /**
   * Event i as FilterLogEvents puts it on the wire ({logStreamName, timestamp, message, ingestionTime,
   * eventId}), written into `buf` at `off`; returns the offset after it. No intermediate strings: the
   * double serves a million events with little garbage.
   */
  writeEventJson(i: number, buf: Buffer, off: number): number {
    // One string per event, written once: cheaper than many small writes, and no page-sized strings.
    const m = this.kind === 'apiserver' || this.truncated(i) ? this.messageJson(i) : fill(ESCAPED, this.values(i));
    return (
      off +
      buf.write(
        `{"logStreamName":"${this.stream(i)}","timestamp":${this.timestamp(i)},"message":"${m}","ingestionTime":${this.ingestionTime(i)},"eventId":"${this.eventId(i)}"}`,
        off,
        'utf8',
      )
    );
  }

  event(i: number): GeneratedEvent {
    return {
      timestamp: this.timestamp(i),
      ingestionTime: this.ingestionTime(i),
      logStreamName: this.stream(i),
      eventId: this.eventId(i),
      message: this.message(i),
      truncated: this.truncated(i),
    };
  }

  private values(i: number): Record<Slot, string> {
    const ts = this.timestamp(i);
    const verb = VERBS[i % VERBS.length]!;
    const res = RESOURCES[Math.floor(i / 7) % RESOURCES.length]!;
    const u = USERS[i % USERS.length]!;
    const ns = `team-${i % 13}`;
    const name = `${res.slice(0, -1)}-${i % 997}`;
    const collection = verb === 'list' || verb === 'watch';
    return {
      LEVEL: res === 'secrets' || res === 'configmaps' ? 'Metadata' : 'Request',
      AUDIT: this.auditId(i),
      URI: `/api/v1/namespaces/${ns}/${res}${collection ? '' : `/${name}`}${verb === 'watch' ? '?watch=true' : ''}`,
      VERB: verb,
      USER: u.user,
      ACCT: this.spec.account ?? '111122223333',
      U: String(i % 10),
      GROUP: u.group,
      ROLE: u.role,
      SESSION: u.session,
      IP: `10.0.${(i >> 8) & 255}.${i & 255}`,
      UA: AGENTS[i % AGENTS.length]!,
      RES: res,
      NS: ns,
      NAME: name,
      CODE: verb === 'delete' && i % 5 === 0 ? '404' : verb === 'create' ? '201' : '200',
      RRT: micros(ts - (i % 40)),
      ST: micros(ts),
      BINDING: `${u.role.toLowerCase()}-binding`,
    };
  }

  private logLine(i: number): string {
    const t = new Date(this.timestamp(i)).toISOString();
    return `I${t.slice(5, 7)}${t.slice(8, 10)} ${t.slice(11, 23)}000      11 httplog.go:132] "HTTP" verb="GET" URI="/readyz" latency="1.2ms" resp=200`;
  }
}

function fill(t: { parts: string[]; slots: Slot[] }, v: Record<Slot, string>): string {
  let s = t.parts[0]!;
  for (let k = 0; k < t.slots.length; k++) s += v[t.slots[k]!] + t.parts[k + 1]!;
  return s;
}

/** RFC 3339 with microseconds, as kube-apiserver writes them. The minute's text is reused: events come in time order. */
let minuteKey = -1;
let minuteText = '';
function micros(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== minuteKey) {
    minuteKey = minute;
    minuteText = new Date(minute * 60_000).toISOString().slice(0, 17); // 2025-05-01T12:00:
  }
  const inMinute = ms - minute * 60_000;
  const sec = Math.floor(inMinute / 1000);
  return `${minuteText}${sec < 10 ? '0' : ''}${sec}.${String(inMinute % 1000).padStart(3, '0')}${String((ms % 7) * 111).padStart(3, '0')}Z`;
}
