import { jsonOrEmbedded, type Envelope } from '../envelope.js';
import { eventStruct } from '../event-shape.js';

// The row's columns; read with a transform of their own (see event-shape.ts on case-insensitive names).
const ROW = JSON.stringify({
  AuditId: 'VARCHAR', Level: 'VARCHAR', Stage: 'VARCHAR', RequestUri: 'VARCHAR', Verb: 'VARCHAR',
  User: 'JSON', ImpersonatedUser: 'JSON', SourceIps: 'JSON', UserAgent: 'VARCHAR', ObjectRef: 'JSON',
  ResponseStatus: 'JSON', RequestObject: 'JSON', ResponseObject: 'JSON', Annotations: 'JSON', Type: 'VARCHAR',
});

/**
 * A Log Analytics `AKSAudit` or `AKSAuditAdmin` row (resource-specific mode): the Event split into
 * PascalCase columns; dynamic columns may arrive as objects or as JSON strings, and a body too big to
 * keep is the string "skipped-too-big-size-object" (kept as is; the canonical step flags it).
 */
export const aksTable: Envelope = {
  name: 'aks-table',
  match: `u.StageReceivedTime IS NOT NULL OR u.RequestReceivedTime IS NOT NULL OR (u.TimeGenerated IS NOT NULL AND u.log_s IS NULL)`,
  prepare: [{ a: `json_transform(r, '${ROW}')` }],
  event: eventStruct({
    kind: `'Event'`,
    auditID: 'a.AuditId',
    level: 'a.Level',
    stage: 'a.Stage',
    requestURI: 'a.RequestUri',
    verb: 'a.Verb',
    user: jsonOrEmbedded('a.User'),
    impersonatedUser: jsonOrEmbedded('a.ImpersonatedUser'),
    sourceIPs: jsonOrEmbedded('a.SourceIps'),
    userAgent: 'a.UserAgent',
    objectRef: jsonOrEmbedded('a.ObjectRef'),
    responseStatus: jsonOrEmbedded('a.ResponseStatus'),
    requestObject: jsonOrEmbedded('a.RequestObject'),
    responseObject: jsonOrEmbedded('a.ResponseObject'),
    requestReceivedTimestamp: 'u.RequestReceivedTime',
    stageTimestamp: 'u.StageReceivedTime',
    annotations: jsonOrEmbedded('a.Annotations'),
  }),
  meta: {
    ingestedAt: 'u.IngestionTime',
    logName: `coalesce(a.Type, 'AKSAudit')`,
    envelopeTime: 'u.TimeGenerated',
    envelopeRecord: `json_merge_patch(r, '{"RequestObject":null,"ResponseObject":null,"User":null,"ObjectRef":null,"Annotations":null}')`,
  },
};
