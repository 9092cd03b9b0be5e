import { jsonOrEmbedded, type Envelope } from '../envelope.js';
import { eventStruct } from '../event-shape.js';

/**
 * A Log Analytics `AKSAudit` or `AKSAuditAdmin` row (resource-specific mode): the Event split into
 * PascalCase columns, read from the staged row column `a` (see event-shape.ts). Dynamic columns may
 * arrive as objects or as JSON strings, and a body too big to keep is the string
 * "skipped-too-big-size-object" (kept as is; the canonical step flags it).
 */
export const aksTable: Envelope = {
  name: 'aks-table',
  match: `a IS NOT NULL AND a.log_s IS NULL`,
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
    requestReceivedTimestamp: 'a.RequestReceivedTime',
    stageTimestamp: 'a.StageReceivedTime',
    annotations: jsonOrEmbedded('a.Annotations'),
  }),
  meta: {
    ingestedAt: 'a.IngestionTime',
    logName: `coalesce(a.Type, 'AKSAudit')`,
    envelopeTime: 'a.TimeGenerated',
    envelopeRecord: `json_object('Type', a.Type, 'TimeGenerated', a.TimeGenerated, 'IngestionTime', a.IngestionTime, '_ResourceId', a._ResourceId, 'PodName', a.PodName)`,
  },
};
