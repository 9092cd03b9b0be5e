/**
 * Posture facts of a GKE cluster, read from its project: Data Access audit logging for Kubernetes
 * (IAM policy auditConfigs of the project and of the folders and organization above it, which the
 * project inherits and cannot turn off), what the reader may see (testIamPermissions), retention of the buckets
 * that hold the entries (_Required for Admin Activity, _Default's destination for Data Access), and
 * exclusions on the _Default sink or the project that may drop k8s.io entries. The project reads are
 * made once per run and shared by its clusters; a failed read makes its facts `unknown` with the
 * permission that is missing.
 */
import type { PostureFact } from '../types.js';
import type { Quota } from '../quota.js';
import { callWithRetry, GRPC, grpcCode, grpcCodeName, grpcDetails, type RetryOptions } from './call-with-retry.js';
import type { GoogleClients } from './clients.js';
import { exclusionVerdict } from './exclusion-scope.js';

/** auditConfigs services that govern the k8s.io Data Access entries. */
export const KUBERNETES_AUDIT_SERVICES = ['allServices', 'container.googleapis.com', 'k8s.io'] as const;
const LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;
export const READER_PERMISSIONS = ['logging.logEntries.list', 'logging.privateLogEntries.list'] as const;

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

interface AuditLogConfig {
  logType?: string | number | null;
  exemptedMembers?: string[] | null;
}
interface Policy {
  auditConfigs?: { service?: string | null; auditLogConfigs?: AuditLogConfig[] | null }[] | null;
}
interface LogSink {
  name?: string | null;
  destination?: string | null;
  filter?: string | null;
  disabled?: boolean | null;
  exclusions?: LogExclusion[] | null;
}
interface LogExclusion {
  name?: string | null;
  filter?: string | null;
  disabled?: boolean | null;
}
interface LogBucket {
  name?: string | null;
  retentionDays?: number | null;
  locked?: boolean | null;
  lifecycleState?: string | null;
}

/** A folder or organization above the project, with its IAM policy. */
export interface Ancestor {
  resource: string;
  policy: Read<Policy>;
}

export interface ProjectPosture {
  project: string;
  policy: Read<Policy>;
  /** From the nearest folder up to the organization; a level that could not be named ends the list unreadable. */
  ancestors: Ancestor[];
  permissions: Read<string[]>;
  defaultSink: Read<LogSink>;
  requiredSink: Read<LogSink>;
  defaultBucket: Read<LogBucket>;
  requiredBucket: Read<LogBucket>;
  exclusions: Read<LogExclusion[]>;
}

export interface PostureCalls {
  clients: GoogleClients;
  quota: Quota;
  retry: RetryOptions;
  timeoutMs: number;
}

const LOGGING_VIEWER = 'roles/logging.viewer (Logs Viewer)';
const SECURITY_REVIEWER = 'roles/iam.securityReviewer (Security Reviewer)';
const BROWSER = 'roles/browser (Browser)';
/** Folders nest at most ten deep under an organization. */
const MAX_ANCESTORS = 11;

export async function readProjectPosture(project: string, c: PostureCalls): Promise<ProjectPosture> {
  const opts = { retry: null, timeout: c.timeoutMs } as never;
  const call = <T>(what: string, permission: string, role: string, fn: () => Promise<T>): Promise<Read<T>> =>
    callWithRetry(c.quota, fn, c.retry, undefined).then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, reason: whyNot(what, permission, role, err) }),
    );
  const policyOf = (resource: string): Promise<Read<Policy>> => {
    const [kind] = resource.split('/') as ['projects' | 'folders' | 'organizations'];
    const request = { resource, options: { requestedPolicyVersion: 3 } };
    const client: { getIamPolicy(r: typeof request, o: never): Promise<unknown[]> } = c.clients[kind];
    return call(`the IAM policy of ${resource === `projects/${project}` ? 'the project' : resource}`, `resourcemanager.${kind}.getIamPolicy`, `${SECURITY_REVIEWER} on ${resource}`, async () =>
      (await client.getIamPolicy(request, opts))[0] as Policy,
    );
  };
  // The folders and organization above the project: their audit configs apply to it as well.
  const readAncestors = async (): Promise<Ancestor[]> => {
    const out: Ancestor[] = [];
    const parentOf = (resource: string): Promise<Read<string>> =>
      resource.startsWith('folders/')
        ? call(resource, 'resourcemanager.folders.get', `${BROWSER} on ${resource}`, async () => String((await c.clients.folders.getFolder({ name: resource }, opts))[0].parent ?? ''))
        : call('the project', 'resourcemanager.projects.get', BROWSER, async () => String((await c.clients.projects.getProject({ name: resource }, opts))[0].parent ?? ''));
    let parent = await parentOf(`projects/${project}`);
    while (out.length < MAX_ANCESTORS) {
      if (!parent.ok) {
        out.push({ resource: 'the folders and organization above', policy: parent });
        break;
      }
      if (!/^(folders|organizations)\/./.test(parent.value)) break;
      const resource = parent.value;
      const [policy, next] = await Promise.all([policyOf(resource), resource.startsWith('folders/') ? parentOf(resource) : Promise.resolve<Read<string>>({ ok: true, value: '' })]);
      out.push({ resource, policy });
      parent = next;
    }
    return out;
  };
  const [policy, ancestors, permissions, defaultSink, requiredSink, exclusions] = await Promise.all([
    policyOf(`projects/${project}`),
    readAncestors(),
    call('the caller permissions', 'none (testIamPermissions needs no permission)', 'none', async () =>
      ((await c.clients.projects.testIamPermissions({ resource: `projects/${project}`, permissions: [...READER_PERMISSIONS] }, opts))[0].permissions ?? []) as string[],
    ),
    call('the _Default sink', 'logging.sinks.get', LOGGING_VIEWER, async () => (await c.clients.config.getSink({ sinkName: `projects/${project}/sinks/_Default` }, opts))[0] as LogSink),
    call('the _Required sink', 'logging.sinks.get', LOGGING_VIEWER, async () => (await c.clients.config.getSink({ sinkName: `projects/${project}/sinks/_Required` }, opts))[0] as LogSink),
    call('the project exclusions', 'logging.exclusions.list', LOGGING_VIEWER, async () =>
      (await c.clients.config.listExclusions({ parent: `projects/${project}` }, { ...(opts as object), autoPaginate: true } as never))[0] as LogExclusion[],
    ),
  ]);
  const bucketOf = (sink: Read<LogSink>, fallback: string) => (sink.ok ? bucketName(sink.value.destination) : undefined) ?? `projects/${project}/locations/global/buckets/${fallback}`;
  const [defaultBucket, requiredBucket] = await Promise.all(
    [bucketOf(defaultSink, '_Default'), bucketOf(requiredSink, '_Required')].map((name) =>
      call(`bucket ${name}`, 'logging.buckets.get', LOGGING_VIEWER, async () => (await c.clients.config.getBucket({ name }, opts))[0] as LogBucket),
    ),
  );
  return { project, policy, ancestors, permissions, defaultSink, requiredSink, defaultBucket: defaultBucket!, requiredBucket: requiredBucket!, exclusions };
}

/** `logging.googleapis.com/projects/p/locations/l/buckets/b` -> `projects/p/locations/l/buckets/b`; other destinations: undefined. */
function bucketName(destination: string | null | undefined): string | undefined {
  const m = /^logging\.googleapis\.com\/(.+\/locations\/[^/]+\/buckets\/[^/]+)$/.exec(destination ?? '');
  return m?.[1];
}

function whyNot(what: string, permission: string, role: string, err: unknown): string {
  const code = grpcCode(err);
  const details = grpcDetails(err);
  if (code === GRPC.PERMISSION_DENIED) return `cannot read ${what}: permission ${permission} is missing (grant ${role}): ${details}`;
  if (code === GRPC.UNAUTHENTICATED) return `cannot read ${what}: not authenticated (${details}); kubetrail uses Application Default Credentials`;
  if (code === GRPC.NOT_FOUND) return `cannot read ${what}: not found (${details})`;
  return `cannot read ${what}: ${grpcCodeName(code)}: ${details}`;
}

/** The facts of one cluster from its project's reads. */
export function postureFacts(p: ProjectPosture, cluster: string): PostureFact[] {
  const facts: PostureFact[] = [];
  const unknown = (fact: string, reason: string) => facts.push({ fact, status: 'unknown', reason });

  facts.push({
    fact: 'audit_logs_enabled',
    status: 'known',
    value: true,
    reason: 'GKE always writes Admin Activity audit logs (Kubernetes writes); they cannot be turned off',
  });

  // The project's Data Access configuration is the union of its own and its ancestors' (none can turn
  // off what a level above enabled). Unread levels leave a type unknown unless another level enables it.
  const levels = [{ resource: `projects/${p.project}`, policy: p.policy }, ...p.ancestors];
  const read = levels.flatMap((l) => (l.policy.ok ? [{ resource: l.resource, policy: l.policy.value }] : []));
  const unread = levels.flatMap((l) => (l.policy.ok ? [] : [l.policy.reason]));
  const configs = read.flatMap((l) =>
    (l.policy.auditConfigs ?? []).filter((a) => (KUBERNETES_AUDIT_SERVICES as readonly string[]).includes(a.service ?? '')).map((a) => ({ at: l.resource, a })),
  );
  const enabledAt = Object.fromEntries(
    LOG_TYPES.map((t) => [t, [...new Set(configs.filter(({ a }) => (a.auditLogConfigs ?? []).some((l) => logTypeName(l.logType) === t)).map(({ at }) => at))]]),
  ) as Record<(typeof LOG_TYPES)[number], string[]>;
  // Per type: enabled by a level read, not enabled anywhere (every level read), or unknown (null).
  const state = Object.fromEntries(LOG_TYPES.map((t) => [t, enabledAt[t].length > 0 ? true : unread.length ? null : false])) as Record<
    (typeof LOG_TYPES)[number],
    boolean | null
  >;
  let dataAccess: Record<string, boolean | null> | undefined;
  // Kubernetes reads are ADMIN_READ and DATA_READ: the facts are known once those two are.
  if (state.ADMIN_READ !== null && state.DATA_READ !== null) {
    dataAccess = state;
    const exempted = [...new Set(configs.flatMap(({ a }) => (a.auditLogConfigs ?? []).flatMap((l) => l.exemptedMembers ?? [])))].sort();
    const enabledBy = [...new Set(LOG_TYPES.flatMap((t) => enabledAt[t]))];
    const services = [...new Set(configs.map(({ a }) => a.service))];
    const policiesRead = read.map((l) => l.resource);
    const enabled = Object.values(state).some((v) => v === true);
    const notRead = unread.length ? `; policies not read may enable more or exempt members: ${unread.join('; ')}` : '';
    facts.push({
      fact: 'data_access_logs',
      status: 'known',
      value: { enabled, logTypes: state, services, exemptedMembers: exempted, enabledBy, policiesRead },
      reason: (enabled
        ? `enabled by the IAM policy of ${enabledBy.join(', ')} (${services.join(', ')})${exempted.length ? `; exempted: ${exempted.join(', ')}` : ''}`
        : `not enabled in the IAM policies of ${policiesRead.join(', ')} (auditConfigs for allServices or container.googleapis.com)`) + notRead,
    });
    // the coverage checks' contract (docs/posture-facts.md)
    facts.push({
      fact: 'data_access_enabled',
      status: 'known',
      value: { ADMIN_READ: state.ADMIN_READ, DATA_READ: state.DATA_READ, DATA_WRITE: state.DATA_WRITE,
        ...(services[0] ? { service: services[0] } : {}), ...(exempted.length ? { exemptedMembers: exempted } : {}) },
      reason: `IAM policy auditConfigs of ${policiesRead.join(', ')}${notRead}`,
    });
    facts.push({
      fact: 'reads_logged',
      status: 'known',
      value: Boolean(state.ADMIN_READ && state.DATA_READ),
      reason: 'Kubernetes reads (get, list, watch) are Data Access entries of types ADMIN_READ and DATA_READ',
    });
  } else {
    const missing = LOG_TYPES.filter((t) => enabledAt[t].length === 0);
    const why = `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not enabled in ${read.length ? `the IAM policies of ${read.map((l) => l.resource).join(', ')}` : 'any policy kubetrail could read'}, and a policy it could not read may enable ${missing.length > 1 ? 'them' : 'it'}: ${unread.join('; ')}`;
    unknown('data_access_logs', why);
    unknown('data_access_enabled', why);
    unknown('reads_logged', why);
  }

  if (p.permissions.ok) {
    const granted = new Set(p.permissions.value);
    const value = Object.fromEntries(READER_PERMISSIONS.map((x) => [x, granted.has(x)]));
    facts.push({
      fact: 'reader_permissions',
      status: 'known',
      value,
      reason: granted.has('logging.privateLogEntries.list')
        ? 'kubetrail can read Admin Activity and Data Access entries'
        : 'kubetrail cannot read Data Access entries (Kubernetes reads): grant roles/logging.privateLogViewer (Private Logs Viewer)',
    });
  } else unknown('reader_permissions', p.permissions.reason);

  const bucketFact = (fact: string, b: Read<LogBucket>) => {
    if (!b.ok) return unknown(fact, b.reason);
    facts.push({
      fact,
      status: 'known',
      value: { name: b.value.name, retentionDays: b.value.retentionDays ?? null, locked: Boolean(b.value.locked), lifecycleState: b.value.lifecycleState ?? null },
    });
  };
  bucketFact('default_bucket', p.defaultBucket);
  bucketFact('required_bucket', p.requiredBucket);
  const days = (fact: string, b: Read<LogBucket>, fallback?: number) => {
    if (b.ok) facts.push({ fact, status: 'known', value: b.value.retentionDays ?? fallback ?? null, reason: b.value.name ?? undefined });
    else if (fallback !== undefined) facts.push({ fact, status: 'known', value: fallback, reason: '_Required keeps Admin Activity 400 days and cannot be changed' });
    else unknown(fact, b.reason);
  };
  days('default_bucket_retention_days', p.defaultBucket);
  days('required_bucket_retention_days', p.requiredBucket, 400);

  // The shortest retention among the buckets that hold this cluster's audit entries.
  const holding = [p.requiredBucket, ...(dataAccess && Object.values(dataAccess).some(Boolean) ? [p.defaultBucket] : [])];
  if (holding.every((b) => b.ok)) {
    const days = holding.map((b) => (b as { value: LogBucket }).value.retentionDays ?? 0);
    facts.push({ fact: 'retention_days', status: 'known', value: Math.min(...days), reason: holding.length > 1 ? 'shortest of _Required (Admin Activity) and _Default (Data Access)' : '_Required bucket (Admin Activity)' });
  } else unknown('retention_days', holding.filter((b) => !b.ok).map((b) => (b as { reason: string }).reason).join('; '));

  if (p.defaultSink.ok) {
    const s = p.defaultSink.value;
    facts.push({
      fact: 'default_sink',
      status: 'known',
      value: { destination: s.destination ?? null, disabled: Boolean(s.disabled), filter: s.filter ?? '' },
      reason: s.disabled ? 'the _Default sink is disabled: Data Access entries are not stored' : undefined,
    });
  } else unknown('default_sink', p.defaultSink.reason);

  if (p.defaultSink.ok && p.exclusions.ok) {
    const all = [
      ...(p.defaultSink.value.exclusions ?? []).map((e) => ({ on: 'sink _Default', e })),
      ...p.exclusions.value.map((e) => ({ on: 'project', e })),
    ].map(({ on, e }) => ({ on, name: e.name ?? '', filter: e.filter ?? '', disabled: Boolean(e.disabled), mayDropKubernetesAudit: exclusionVerdict(e.filter ?? '', cluster) }));
    const active = all.filter((x) => !x.disabled && x.mayDropKubernetesAudit !== 'unlikely');
    facts.push({
      fact: 'log_exclusions',
      status: 'known',
      value: { exclusions: all, mayDrop: active.map((x) => x.name) },
      reason: active.length ? `exclusions that may drop k8s.io entries: ${active.map((x) => `${x.name} (${x.mayDropKubernetesAudit})`).join(', ')}` : undefined,
    });
    facts.push({
      fact: 'k8s_exclusions',
      status: 'known',
      value: active.map((x) => ({ name: x.name, filter: x.filter, ...(x.on === 'sink _Default' ? { sink: '_Default' } : {}) })),
    });
  } else {
    const why = [p.defaultSink, p.exclusions].filter((r) => !r.ok).map((r) => (r as { reason: string }).reason).join('; ');
    unknown('log_exclusions', why);
    unknown('k8s_exclusions', why);
  }

  return facts;
}

function logTypeName(t: string | number | null | undefined): string | undefined {
  if (typeof t === 'string') return t;
  return typeof t === 'number' ? ['LOG_TYPE_UNSPECIFIED', 'ADMIN_READ', 'DATA_WRITE', 'DATA_READ'][t] : undefined;
}
