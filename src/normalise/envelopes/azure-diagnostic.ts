import { embeddedText, eventFromText, type Envelope } from '../envelope.js';
import { EVENT_SPEC } from '../event-shape.js';

/**
 * An Azure resource-log record as diagnostic settings export it to Event Hub or a storage account
 * (`{"records": [...]}` batches are unwrapped before this): `category` kube-audit or kube-audit-admin,
 * the Event in `properties.log` as a JSON string or an object. Other categories (kube-apiserver,
 * guard, ...) and activity-log records are Azure records too, but not audit events: skipped, counted.
 */
export const azureDiagnostic: Envelope = {
  name: 'azure-diagnostic',
  match: `u.category IS NOT NULL AND (u.properties IS NOT NULL OR u.resourceId IS NOT NULL)`,
  prepare: [{ azure_log: embeddedText(`(json_extract(u.properties, '$.log'))`) }],
  outOfScope: `CASE WHEN lower(u.category) NOT IN ('kube-audit', 'kube-audit-admin')
    THEN 'Azure ' || CASE WHEN u.properties IS NULL THEN 'activity-log' ELSE 'resource-log' END || ' record of category ' || u.category || ', not kube-audit' END`,
  event: eventFromText('azure_log', EVENT_SPEC),
  unreadable: `CASE WHEN azure_log IS NULL THEN 'kube-audit record without properties.log' ELSE 'properties.log is not a JSON audit event' END`,
  meta: {
    logName: 'u.category',
    envelopeTime: 'u.time',
    envelopeRecord: `json_object('category', u.category, 'time', u.time, 'resourceId', u.resourceId, 'operationName', u.operationName,
      'properties', json_merge_patch(coalesce(u.properties, '{}'), '{"log":null}'))`,
  },
};
