/**
 * The intermediate shape every envelope is read into: an `audit.k8s.io` Event whose nested parts stay
 * JSON until the canonical projection types and checks them. Envelope normalisers produce this struct;
 * only `canonical.ts` turns it into `audit_events` columns, so there is one place that decides types.
 */

/** Event fields in struct order. Nested parts are JSON so that a wrong type can be reported, not silently nulled. */
export const EVENT_FIELDS = [
  ['kind', 'VARCHAR'],
  ['apiVersion', 'VARCHAR'],
  ['level', 'VARCHAR'],
  ['auditID', 'VARCHAR'],
  ['stage', 'VARCHAR'],
  ['requestURI', 'VARCHAR'],
  ['verb', 'VARCHAR'],
  ['user', 'JSON'],
  ['impersonatedUser', 'JSON'],
  ['sourceIPs', 'JSON'],
  ['userAgent', 'VARCHAR'],
  ['objectRef', 'JSON'],
  ['responseStatus', 'JSON'],
  ['requestObject', 'JSON'],
  ['responseObject', 'JSON'],
  ['requestReceivedTimestamp', 'VARCHAR'],
  ['stageTimestamp', 'VARCHAR'],
  ['annotations', 'JSON'],
] as const;

export type EventField = (typeof EVENT_FIELDS)[number][0];

/** Top-level keys of every other envelope. Read in the same single parse as the Event fields. */
export const ENVELOPE_FIELDS = [
  // CloudWatch Logs FilterLogEvents event
  ['message', 'JSON'],
  ['logStreamName', 'VARCHAR'],
  ['eventId', 'VARCHAR'],
  ['ingestionTime', 'VARCHAR'],
  ['timestamp', 'JSON'],
  // Cloud Logging LogEntry
  ['protoPayload', 'JSON'],
  ['insertId', 'VARCHAR'],
  ['logName', 'VARCHAR'],
  ['receiveTimestamp', 'VARCHAR'],
  ['operation', 'JSON'],
  ['resource', 'JSON'],
  ['labels', 'JSON'],
  ['severity', 'VARCHAR'],
  // Azure diagnostic record (Event Hub, storage account)
  ['category', 'VARCHAR'],
  ['properties', 'JSON'],
  ['time', 'VARCHAR'],
  ['resourceId', 'VARCHAR'],
  ['operationName', 'VARCHAR'],
  // Keys that mark a Log Analytics row (AKSAudit, AKSAuditAdmin, AzureDiagnostics). Such rows are read
  // through their own column (LOG_ANALYTICS_ROW_FIELDS): SQL names are case-insensitive, so `AuditId`
  // and `auditID` cannot both be fields of one struct.
  ['TimeGenerated', 'VARCHAR'],
  ['StageReceivedTime', 'VARCHAR'],
  ['RequestReceivedTime', 'VARCHAR'],
  ['log_s', 'VARCHAR'],
  // batches and wrappers
  ['records', 'JSON'],
  ['events', 'JSON'],
  ['items', 'JSON'],
  ['entries', 'JSON'],
  ['log', 'JSON'],
] as const;

/** A Log Analytics row: AKSAudit / AKSAuditAdmin columns (dynamic ones as JSON) and AzureDiagnostics'. */
export const LOG_ANALYTICS_ROW_FIELDS = [
  ['AuditId', 'VARCHAR'],
  ['Level', 'VARCHAR'],
  ['Stage', 'VARCHAR'],
  ['RequestUri', 'VARCHAR'],
  ['Verb', 'VARCHAR'],
  ['User', 'JSON'],
  ['ImpersonatedUser', 'JSON'],
  ['SourceIps', 'JSON'],
  ['UserAgent', 'VARCHAR'],
  ['ObjectRef', 'JSON'],
  ['ResponseStatus', 'JSON'],
  ['RequestObject', 'JSON'],
  ['ResponseObject', 'JSON'],
  ['Annotations', 'JSON'],
  ['RequestReceivedTime', 'VARCHAR'],
  ['StageReceivedTime', 'VARCHAR'],
  ['TimeGenerated', 'VARCHAR'],
  ['IngestionTime', 'VARCHAR'],
  ['Type', 'VARCHAR'],
  ['PodName', 'VARCHAR'],
  ['_ResourceId', 'VARCHAR'],
  ['log_s', 'VARCHAR'],
  ['Category', 'VARCHAR'],
  ['pod_s', 'VARCHAR'],
] as const;

const spec = (fields: ReadonlyArray<readonly [string, string]>): string =>
  JSON.stringify(Object.fromEntries(fields.map(([k, t]) => [k, t])));
const structType = (fields: ReadonlyArray<readonly [string, string]>): string =>
  `STRUCT(${fields.map(([k, t]) => `"${k}" ${t}`).join(', ')})`;

/** A JSON shape: a type name, a list of one shape, or an object of shapes. */
type Shape = string | readonly [Shape] | { readonly [key: string]: Shape };
const sqlType = (s: Shape): string =>
  typeof s === 'string' ? s : Array.isArray(s) ? `${sqlType((s as readonly [Shape])[0])}[]` : structType(Object.entries(s as Record<string, Shape>).map(([k, v]) => [k, sqlType(v)] as const));

/** The parts of an Event the columns take apart: as json_transform specs (the lenient read) and as typed fields (the strict read). */
const USER_SHAPE = { username: 'VARCHAR', uid: 'VARCHAR', groups: ['VARCHAR'], extra: 'JSON' } as const;
const OBJECT_REF_SHAPE = {
  apiGroup: 'VARCHAR',
  apiVersion: 'VARCHAR',
  resource: 'VARCHAR',
  subresource: 'VARCHAR',
  namespace: 'VARCHAR',
  name: 'VARCHAR',
  uid: 'VARCHAR',
  resourceVersion: 'VARCHAR',
} as const;
export const USER_SPEC = JSON.stringify(USER_SHAPE);
export const OBJECT_REF_SPEC = JSON.stringify(OBJECT_REF_SHAPE);

/**
 * Event fields as the strict read types them (normalise.ts, `typed`): read_json then refuses the whole
 * batch when one of them has another type, instead of the canonical projection reporting it per record.
 */
const TYPED_PARTS: Partial<Record<EventField, string>> = {
  user: sqlType(USER_SHAPE),
  impersonatedUser: sqlType(USER_SHAPE),
  sourceIPs: 'VARCHAR[]',
  objectRef: sqlType(OBJECT_REF_SHAPE),
  requestReceivedTimestamp: 'TIMESTAMPTZ',
  stageTimestamp: 'TIMESTAMPTZ',
};

/** json_transform structure for a bare Event. */
export const EVENT_SPEC = spec(EVENT_FIELDS);
/** read_json type of a staged record (`r`): Event fields plus every envelope's top-level keys. */
export const RECORD_STRUCT = structType([...EVENT_FIELDS, ...ENVELOPE_FIELDS]);
/** The same with the Event's parts typed, for the strict read. */
export const TYPED_RECORD_STRUCT = structType([...EVENT_FIELDS.map(([k, t]) => [k, TYPED_PARTS[k] ?? t] as const), ...ENVELOPE_FIELDS]);
/**
 * read_json type of the rest of a record staged beside its embedded document (`w`): the keys of the one
 * such record kubetrail stages, a CloudWatch event without its message. Narrow on purpose: every field
 * here is a column read_json fills for every staged line.
 */
export const WRAPPER_STRUCT = structType(ENVELOPE_FIELDS.filter(([k]) => ['logStreamName', 'eventId', 'ingestionTime', 'timestamp'].includes(k)));
/** read_json type of a staged Log Analytics row (`a`). */
export const LOG_ANALYTICS_ROW_STRUCT = structType(LOG_ANALYTICS_ROW_FIELDS);

/** SQL type of the intermediate Event struct, as json_transform(x, EVENT_SPEC) returns it. */
export const EVENT_STRUCT = structType(EVENT_FIELDS);

/** Build the Event struct from named SQL expressions; missing fields are NULL of the right type. */
export function eventStruct(exprs: Partial<Record<EventField, string>>): string {
  return `struct_pack(${EVENT_FIELDS.map(([k, t]) => `"${k}" := ${exprs[k] ?? `NULL::${t}`}`).join(', ')})`;
}

/** The Event struct taken field by field from a record struct `u` (no second parse). */
export const EVENT_FROM_RECORD = eventStruct(
  Object.fromEntries(EVENT_FIELDS.map(([k]) => [k, `u."${k}"`])) as Record<EventField, string>,
);
