import { eventFromText, type Envelope } from '../envelope.js';
import { EVENT_SPEC } from '../event-shape.js';

/**
 * A Log Analytics `AzureDiagnostics` row (diagnostic settings in Azure-diagnostics mode): the Event as
 * a JSON string in `log_s`, `Category` kube-audit or kube-audit-admin.
 */
export const aksAzureDiagnostics: Envelope = {
  name: 'aks-azurediagnostics',
  match: `u.log_s IS NOT NULL`,
  prepare: [{ cat: `json_extract_string(r, '$.Category')` }],
  outOfScope: `CASE WHEN cat IS NOT NULL AND lower(cat) NOT IN ('kube-audit', 'kube-audit-admin')
    THEN 'AzureDiagnostics row of category ' || cat || ', not kube-audit' END`,
  event: eventFromText('u.log_s', EVENT_SPEC),
  unreadable: `'log_s is not a JSON audit event (' || length(u.log_s) || ' characters)'`,
  meta: {
    ingestedAt: 'u.IngestionTime',
    logName: `coalesce(cat, 'AzureDiagnostics')`,
    envelopeTime: 'u.TimeGenerated',
    envelopeRecord: `json_merge_patch(r, '{"log_s":null}')`,
  },
};
