/**
 * The audit policies of the four demo clusters, as functions from a request to a level. The managed ones
 * follow what the providers publish (provider-facts.md §1.4, §2.4, §3.4): EKS and GKE use the reference
 * policy of configure-helper.sh (EKS adds aws-auth at RequestResponse); AKS has its own; the self-hosted
 * cluster runs the reference policy with three local changes a real team could well have made.
 */
import type { Audit, Request } from './request.js';

export type Policy = (r: Request) => Audit;

const KNOWN_GROUPS = new Set([
  '', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io',
  'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'extensions', 'metrics.k8s.io', 'networking.k8s.io',
  'node.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io',
]);
const READS = new Set(['get', 'list', 'watch']);
const omit: Audit = { level: 'None', omitRequestReceived: true };
const lvl = (level: Audit['level']): Audit => ({ level, omitRequestReceived: true });

const res = (r: Request): string => r.objectRef?.resource ?? '';
const sub = (r: Request): string | undefined => r.objectRef?.subresource;
const user = (r: Request): string => r.user.username;
const inGroup = (r: Request, g: string): boolean => r.user.groups?.includes(g) ?? false;

/** configure-helper.sh `create-master-audit-policy`, in rule order. */
export function referencePolicy(r: Request): Audit {
  const resource = res(r);
  if (r.nonResource) return /^\/(healthz|livez|readyz|version|swagger)/.test(r.requestURI) ? omit : lvl('Metadata');
  if (user(r) === 'system:kube-proxy' && r.verb === 'watch' && ['endpoints', 'services', 'endpointslices'].includes(resource)) return omit;
  if ((user(r) === 'kubelet' || inGroup(r, 'system:nodes')) && r.verb === 'get' && resource === 'nodes') return omit;
  if (['system:kube-controller-manager', 'system:cloud-controller-manager', 'system:serviceaccount:kube-system:endpoint-controller'].includes(user(r)) &&
    ['get', 'update'].includes(r.verb) && resource === 'endpoints' && r.objectRef?.namespace === 'kube-system') return omit;
  if (user(r) === 'system:apiserver' && r.verb === 'get' && resource === 'namespaces') return omit;
  if (r.group === '' && resource === 'events') return omit;
  if ((user(r) === 'kubelet' || inGroup(r, 'system:nodes')) && ['update', 'patch'].includes(r.verb) &&
    ['nodes', 'pods'].includes(resource) && sub(r) === 'status') return lvl('Request');
  if (user(r) === 'system:serviceaccount:kube-system:namespace-controller' && r.verb === 'deletecollection') return lvl('Request');
  if ((r.group === '' && (resource === 'secrets' || resource === 'configmaps' || (resource === 'serviceaccounts' && sub(r) === 'token'))) ||
    (r.group === 'authentication.k8s.io' && resource === 'tokenreviews')) return lvl('Metadata');
  if (READS.has(r.verb) && KNOWN_GROUPS.has(r.group)) return lvl('Request');
  if (KNOWN_GROUPS.has(r.group)) return lvl('RequestResponse');
  return lvl('Metadata');
}

/** EKS: the reference policy plus aws-auth writes at RequestResponse (first rule). */
export function eksPolicy(r: Request): Audit {
  if (r.group === '' && res(r) === 'configmaps' && r.objectRef?.namespace === 'kube-system' && r.objectRef.name === 'aws-auth' &&
    ['update', 'patch', 'delete'].includes(r.verb)) return lvl('RequestResponse');
  return referencePolicy(r);
}

/** GKE: the reference policy (GKE then routes each entry to Admin Activity or Data Access). */
export const gkePolicy: Policy = referencePolicy;

/** AKS, as monitor-aks.md publishes it ("managed by AKS and can't be customized"). */
export function aksPolicy(r: Request): Audit {
  const resource = res(r);
  const ns = r.objectRef?.namespace;
  if (user(r) === 'aksService' && (r.verb === 'get' || r.verb === 'list')) return omit;
  if (r.nonResource) return /^\/(healthz|livez|readyz|version|swagger)/.test(r.requestURI) ? omit : lvl('Metadata');
  if (user(r) === 'system:kube-proxy' && r.verb === 'watch' && ['endpoints', 'services', 'endpointslices'].includes(resource)) return omit;
  if (inGroup(r, 'system:nodes') && r.verb === 'get' && resource === 'nodes') return omit;
  if (user(r) === 'system:apiserver' && r.verb === 'get' && resource === 'namespaces') return omit;
  if (r.group === '' && resource === 'events') {
    if (['create', 'update', 'patch'].includes(r.verb) && (ns === 'default' || ns === 'kube-system')) return lvl('Metadata');
    if (['delete', 'deletecollection', 'list'].includes(r.verb)) return lvl('Metadata');
    return omit;
  }
  if (inGroup(r, 'system:nodes') && ['update', 'patch'].includes(r.verb) && ['nodes', 'pods'].includes(resource) && sub(r) === 'status') return lvl('Request');
  if (r.group === '' && ['secrets', 'configmaps', 'serviceaccounts'].includes(resource)) return lvl('Metadata');
  if (r.group === 'authentication.k8s.io' && resource === 'tokenreviews') return lvl('Metadata');
  if (READS.has(r.verb) && KNOWN_GROUPS.has(r.group)) return lvl('Request');
  if (KNOWN_GROUPS.has(r.group)) return lvl('RequestResponse');
  return lvl('Metadata');
}

/** kube-audit-admin (the AKSAuditAdmin table): every kube-audit event except get and list. */
export function aksAdminOnly(r: Request): Audit {
  if (r.verb === 'get' || r.verb === 'list') return omit;
  return aksPolicy(r);
}

/**
 * The self-hosted cluster's own policy file: the reference policy with three local rules in front,
 * 1. the CI deployer's writes at RequestResponse with every stage (left behind from debugging a failed
 *    rollout; it is why a Secret value reaches the log, and why kubetrail redacts before landing),
 * 2. exec/attach/port-forward at Request with every stage, so an interactive session shows up at once,
 * 3. deletion of core events at Metadata (the reference policy drops every `events` request).
 */
export function onpremPolicy(r: Request): Audit {
  if (user(r) === 'system:serviceaccount:ci:deployer' && !READS.has(r.verb)) return { level: 'RequestResponse', omitRequestReceived: false };
  if (res(r) === 'pods' && ['exec', 'attach', 'portforward'].includes(sub(r) ?? '')) return { level: 'Request', omitRequestReceived: false };
  if (r.group === '' && res(r) === 'events' && (r.verb === 'delete' || r.verb === 'deletecollection')) return lvl('Metadata');
  return referencePolicy(r);
}
