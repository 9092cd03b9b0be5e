import { eventFromText, type Envelope } from '../envelope.js';
import { EVENT_SPEC } from '../event-shape.js';

/**
 * A Log Analytics `AzureDiagnostics` row (diagnostic settings in Azure-diagnostics mode), read from the
 * staged row column `a`: the Event as a JSON string in `log_s`, `Category` kube-audit or kube-audit-admin.
 */
export const aksAzureDiagnostics: Envelope = {
  name: 'aks-azurediagnostics',
  match: `a IS NOT NULL AND a.log_s IS NOT NULL`,
  outOfScope: `CASE WHEN a.Category IS NOT NULL AND lower(a.Category) NOT IN ('kube-audit', 'kube-audit-admin')
    THEN 'AzureDiagnostics row of category ' || a.Category || ', not kube-audit' END`,
  event: eventFromText('a.log_s', EVENT_SPEC),
  unreadable: `'log_s is not a JSON audit event (' || length(a.log_s) || ' characters)'`,
  meta: {
    ingestedAt: 'a.IngestionTime',
    logName: `coalesce(a.Category, 'AzureDiagnostics')`,
    envelopeTime: 'a.TimeGenerated',
    envelopeRecord: `json_object('Category', a.Category, 'TimeGenerated', a.TimeGenerated, 'IngestionTime', a.IngestionTime, '_ResourceId', a._ResourceId, 'pod_s', a.pod_s)`,
  },
};
