/**
 * Whether a Log Router exclusion filter may drop a cluster's Kubernetes audit entries. Cloud Logging's
 * query language is not evaluated here; the verdict reads the filter text:
 * - likely: it names Kubernetes audit data (k8s.io, io.k8s., k8s_cluster, the cluster, the audit logs);
 * - unlikely: every alternative is pinned to another resource type or log with a plain equality;
 * - possible: anything else (e.g. `severity<ERROR` drops audit entries without naming them).
 */
export type ExclusionVerdict = 'likely' | 'possible' | 'unlikely';

const MARKERS = [/k8s\.io/i, /io\.k8s\./i, /k8s_cluster/i, /cloudaudit\.googleapis\.com(%2F|\/)(data_access|activity)/i, /container\.googleapis\.com/i];

export function exclusionVerdict(filter: string, clusterName: string): ExclusionVerdict {
  const text = filter.trim();
  if (!text) return 'likely'; // an empty filter matches everything
  if (MARKERS.some((re) => re.test(text)) || new RegExp(`["\\s=]${escapeRe(clusterName)}["\\s)]`).test(text)) return 'likely';
  if (/\bOR\b|\bNOT\b|(^|[\s(])-/.test(text)) return 'possible';
  const pinnedType = /resource\.type\s*=\s*"?([\w.-]+)"?/.exec(text);
  const pinnedLog = /(?:LOG_ID\(\s*"([^"]+)"\s*\)|logName\s*=\s*"?[^"\s]*\/logs\/([^"\s]+)"?)/.exec(text);
  if ((pinnedType && pinnedType[1] !== 'k8s_cluster') || (pinnedLog && !/cloudaudit/i.test(pinnedLog[1] ?? pinnedLog[2] ?? ''))) return 'unlikely';
  return 'possible';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
