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
  // Azure diagnostic record (Event Hub, storage account)
  ['category', 'VARCHAR'],
  ['properties', 'JSON'],
  ['time', 'VARCHAR'],
  ['resourceId', 'VARCHAR'],
  // Log Analytics rows (AKSAudit, AKSAuditAdmin, AzureDiagnostics). Only keys that no other envelope
  // spells the same way ignoring case: SQL names are case-insensitive, so `AuditId` and `auditID` cannot
  // both be fields of one struct. The aks envelopes read their other columns with a second transform.
  ['TimeGenerated', 'VARCHAR'],
  ['StageReceivedTime', 'VARCHAR'],
  ['RequestReceivedTime', 'VARCHAR'],
  ['IngestionTime', 'VARCHAR'],
  ['_ResourceId', 'VARCHAR'],
  ['log_s', 'VARCHAR'],
  // batches and wrappers
  ['records', 'JSON'],
  ['events', 'JSON'],
  ['items', 'JSON'],
  ['entries', 'JSON'],
  ['log', 'JSON'],
] as const;

const spec = (fields: ReadonlyArray<readonly [string, string]>): string =>
  JSON.stringify(Object.fromEntries(fields.map(([k, t]) => [k, t])));

/** json_transform structure for a bare Event. */
export const EVENT_SPEC = spec(EVENT_FIELDS);
/** json_transform structure for any record: Event fields plus every envelope's keys. */
export const RECORD_SPEC = spec([...EVENT_FIELDS, ...ENVELOPE_FIELDS]);

/** SQL type of the intermediate Event struct, as json_transform(x, EVENT_SPEC) returns it. */
export const EVENT_STRUCT = `STRUCT(${EVENT_FIELDS.map(([k, t]) => `"${k}" ${t}`).join(', ')})`;

/** Build the Event struct from named SQL expressions; missing fields are NULL of the right type. */
export function eventStruct(exprs: Partial<Record<EventField, string>>): string {
  return `struct_pack(${EVENT_FIELDS.map(([k, t]) => `"${k}" := ${exprs[k] ?? `NULL::${t}`}`).join(', ')})`;
}

/** The Event struct taken field by field from a record struct `u` (no second parse). */
export const EVENT_FROM_RECORD = eventStruct(
  Object.fromEntries(EVENT_FIELDS.map(([k]) => [k, `u."${k}"`])) as Record<EventField, string>,
);
