/**
 * One API request as the kube-apiserver sees it, built so that its parts agree with each other: the verb,
 * the HTTP path and query in requestURI, objectRef, the response code and status, and the authorization
 * annotations. An audit policy (policy.ts) then decides which stages and bodies of it are written.
 */
import { isoMicros } from './timeline.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectRef {
  resource: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion: string;
  resourceVersion?: string;
  subresource?: string;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface Request {
  auditID: string;
  receivedUs: number;
  /** When the response started (long-running requests: watch, exec, attach, port-forward). */
  startedUs?: number;
  completedUs: number;
  verb: string;
  requestURI: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs: string[];
  userAgent: string;
  objectRef?: ObjectRef;
  responseStatus: { metadata: Record<string, never>; status?: string; message?: string; reason?: string; details?: Record<string, unknown>; code: number };
  requestObject?: unknown;
  responseObject?: unknown;
  annotations: Record<string, string>;
  /** For policies: the API group ('' for core) and whether the path is a non-resource URL. */
  group: string;
  nonResource: boolean;
}

export interface Call {
  auditID: string;
  at: number;
  verb: Verb;
  group?: string;
  version?: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Query string without '?', already encoded. */
  query?: string;
  user: UserInfo;
  ip: string | string[];
  ua: string;
  code?: number;
  body?: unknown;
  response?: unknown;
  /** authorization.k8s.io/reason for allowed requests. */
  reason?: string;
  annotations?: Record<string, string>;
  /** Request latency (or, for long-running requests, how long the stream stayed open). */
  durationUs?: number;
  impersonatedUser?: UserInfo;
  /** Status message for an error code when the default wording does not fit. */
  message?: string;
}

const LONG_RUNNING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

export function isLongRunning(verb: string, subresource?: string, query?: string): boolean {
  return verb === 'watch' || (subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(subresource)) ||
    (subresource === 'log' && /(^|&)follow=true/.test(query ?? ''));
}

/** Build a resource request. */
export function call(c: Call): Request {
  const group = c.group ?? '';
  const version = c.version ?? 'v1';
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const nameInPath = c.verb !== 'list' && c.verb !== 'watch' && c.verb !== 'deletecollection' && (c.verb !== 'create' || c.subresource !== undefined);
  let path = prefix;
  if (c.namespace !== undefined && c.resource !== 'namespaces') path += `/namespaces/${c.namespace}`;
  path += `/${c.resource}`;
  if (nameInPath && c.name !== undefined) path += `/${c.name}`;
  if (c.subresource) path += `/${c.subresource}`;
  const query = c.query;
  const requestURI = query ? `${path}?${query}` : path;

  const objectRef = { resource: c.resource } as ObjectRef; // keys in the API server's order
  if (c.namespace !== undefined) objectRef.namespace = c.namespace;
  const bodyMeta = (c.body as { metadata?: { name?: string; uid?: string; resourceVersion?: string } } | undefined)?.metadata;
  const name = c.name ?? (c.verb === 'create' ? bodyMeta?.name : undefined);
  if (name !== undefined && (c.verb !== 'list' && c.verb !== 'watch' && c.verb !== 'deletecollection')) objectRef.name = name;
  if (c.resource === 'namespaces' && c.namespace !== undefined) objectRef.name = c.namespace;
  if ((c.verb === 'update' || c.verb === 'patch') && !c.subresource && bodyMeta?.uid) objectRef.uid = bodyMeta.uid;
  if (group !== '') objectRef.apiGroup = group;
  objectRef.apiVersion = version;
  if (c.verb === 'update' && bodyMeta?.resourceVersion) objectRef.resourceVersion = bodyMeta.resourceVersion;
  if (c.subresource) objectRef.subresource = c.subresource;

  const code = c.code ?? (c.subresource && LONG_RUNNING_SUBRESOURCES.has(c.subresource) && c.subresource !== 'proxy' ? 101 : c.verb === 'create' ? 201 : 200);
  const status = statusFor(code, c, objectRef);
  const forbidden = code === 403;
  const annotations: Record<string, string> = {
    'authorization.k8s.io/decision': forbidden ? 'forbid' : 'allow',
    'authorization.k8s.io/reason': forbidden ? '' : (c.reason ?? ''),
    ...c.annotations,
  };
  const duration = c.durationUs ?? 2_000;
  const longRunning = isLongRunning(c.verb, c.subresource, c.query) && code < 400;
  return {
    auditID: c.auditID,
    receivedUs: c.at,
    startedUs: longRunning ? c.at + Math.min(duration / 2, 3_000 + (c.at % 4_000)) : undefined,
    completedUs: c.at + duration,
    verb: c.verb,
    requestURI,
    user: c.user,
    impersonatedUser: c.impersonatedUser,
    sourceIPs: Array.isArray(c.ip) ? c.ip : [c.ip],
    userAgent: c.ua,
    objectRef,
    responseStatus: status,
    requestObject: c.body,
    responseObject: code < 400 ? c.response : status.status ? { kind: 'Status', apiVersion: 'v1', ...status } : undefined,
    annotations,
    group,
    nonResource: false,
  };
}

/** A non-resource request (/api, /apis, /version, /metrics ...): verb is the lower-case HTTP method. */
export function nonResourceCall(c: { auditID: string; at: number; path: string; user: UserInfo; ip: string; ua: string; code?: number; reason?: string; durationUs?: number }): Request {
  const code = c.code ?? 200;
  return {
    auditID: c.auditID,
    receivedUs: c.at,
    completedUs: c.at + (c.durationUs ?? 800),
    verb: 'get',
    requestURI: c.path,
    user: c.user,
    sourceIPs: [c.ip],
    userAgent: c.ua,
    responseStatus: code === 403
      ? { metadata: {}, status: 'Failure', message: `forbidden: User "${c.user.username}" cannot get path "${c.path}"`, reason: 'Forbidden', details: {}, code }
      : { metadata: {}, code },
    annotations: {
      'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': code === 403 ? '' : (c.reason ?? ''),
    },
    group: '',
    nonResource: true,
  };
}

function statusFor(code: number, c: Call, ref: ObjectRef): Request['responseStatus'] {
  if (code < 400) return { metadata: {}, code };
  const kind = c.group ? `${c.resource}.${c.group}` : c.resource;
  const what = ref.name ? `${kind} "${ref.name}"` : kind;
  const details: Record<string, unknown> = {};
  if (ref.name) details.name = ref.name;
  if (c.group) details.group = c.group;
  details.kind = c.resource;
  switch (code) {
    case 403: {
      const res = c.subresource ? `${c.resource}/${c.subresource}` : c.resource;
      const scope = c.namespace !== undefined ? `in the namespace "${c.namespace}"` : 'at the cluster scope';
      return {
        metadata: {},
        status: 'Failure',
        message: c.message ?? `${what} is forbidden: User "${c.user.username}" cannot ${c.verb} resource "${res}" in API group "${c.group ?? ''}" ${scope}`,
        reason: 'Forbidden',
        details,
        code,
      };
    }
    case 404:
      return { metadata: {}, status: 'Failure', message: c.message ?? `${what} not found`, reason: 'NotFound', details, code };
    case 409:
      return c.verb === 'create'
        ? { metadata: {}, status: 'Failure', message: c.message ?? `${what} already exists`, reason: 'AlreadyExists', details, code }
        : {
            metadata: {},
            status: 'Failure',
            message: c.message ?? `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
            reason: 'Conflict',
            details,
            code,
          };
    case 422:
      return { metadata: {}, status: 'Failure', message: c.message ?? `${what} is invalid`, reason: 'Invalid', details, code };
    default:
      return { metadata: {}, status: 'Failure', message: c.message ?? 'Internal error occurred', reason: 'InternalError', details: {}, code };
  }
}

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete';

/** What a policy rule decided for a request. */
export interface Audit {
  level: Level;
  omitRequestReceived: boolean;
}

/** The audit.k8s.io/v1 Event objects a request produces under a policy decision, in stage order. */
export function toEvents(r: Request, a: Audit): AuditEvent[] {
  if (a.level === 'None') return [];
  const stages: Array<[Stage, number]> = [];
  if (!a.omitRequestReceived) stages.push(['RequestReceived', r.receivedUs]);
  if (r.startedUs !== undefined) stages.push(['ResponseStarted', r.startedUs]);
  stages.push(['ResponseComplete', r.completedUs]);
  return stages.map(([stage, us]) => {
    const e: AuditEvent = {
      [US]: us,
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: a.level,
      auditID: r.auditID,
      stage,
      requestURI: r.requestURI,
      verb: r.verb,
      user: r.user,
    };
    if (r.impersonatedUser) e.impersonatedUser = r.impersonatedUser;
    e.sourceIPs = r.sourceIPs;
    e.userAgent = r.userAgent;
    if (r.objectRef) e.objectRef = r.objectRef;
    if (stage !== 'RequestReceived') e.responseStatus = r.responseStatus;
    const bodies = !r.nonResource && (a.level === 'Request' || a.level === 'RequestResponse');
    if (bodies && r.requestObject !== undefined) e.requestObject = r.requestObject;
    if (bodies && a.level === 'RequestResponse' && stage === 'ResponseComplete' && r.responseObject !== undefined) e.responseObject = r.responseObject;
    e.requestReceivedTimestamp = isoMicros(r.receivedUs);
    e.stageTimestamp = isoMicros(us);
    // authorization annotations are added once the request is authorized (not in RequestReceived)
    if (stage !== 'RequestReceived') e.annotations = r.annotations;
    return e;
  });
}

/** Key of an event's stage time in microseconds: a symbol, so JSON.stringify leaves it out. */
export const US: unique symbol = Symbol('stage time, microseconds');

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectRef;
  responseStatus?: Request['responseStatus'];
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
  [US]: number;
}

/** The Event as JSON text (the stage-time symbol is not serialised). */
export function eventJson(e: AuditEvent): string {
  return JSON.stringify(e);
}
