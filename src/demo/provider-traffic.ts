/**
 * What only one kind of cluster does: EKS's own controllers and the aws-auth ConfigMap, GKE's add-on
 * manager, AKS's aksService and a Helm upgrade whose objects are too big for AKS to keep, and on the
 * self-hosted cluster Argo CD (running on demo-eks) and a CI job that writes a Secret under a policy
 * rule that logs its body.
 */
import { AKS_SERVICE, EKS_ADMIN, EKS_NAT_IP, ONPREM_ARGOCD } from './clusters.js';
import { podsAt, type ClusterTraffic } from './cluster-traffic.js';
import { namedUuid } from './random.js';
import { at as atTime, HOUR_US, humanActivity } from './timeline.js';

/** The Secret value the on-prem CI job writes; kubetrail must never store it. */
export const ONPREM_SECRET_VALUE = 'kt-demo-Pa55w0rd-9f3c1e7b';
export const ONPREM_SECRET_AUDIT_ID = namedUuid('demo-onprem/ci-secret-apply');
export const AWS_AUTH_AUDIT_ID = namedUuid('demo-eks/aws-auth-update');
const eksUser = (name: string) => ({ username: name, groups: ['system:authenticated'] });

export function eksExtras(t: ClusterTraffic): void {
  const nodeManager = eksUser('eks:node-manager');
  t.periodic(15 * 60e6, 60e6, (at) => {
    t.add({ at, verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', user: nodeManager, ip: '127.0.0.1',
      ua: 'eks-node-manager/v0.0.0 (linux/amd64) kubernetes/$Format', reason: 'RBAC: allowed by RoleBinding "eks:node-manager/kube-system" of Role "eks:node-manager" to User "eks:node-manager"', durationUs: t.latency('get') });
  });
  const addonManager = eksUser('eks:addon-manager');
  t.periodic(HOUR_US, 5 * 60e6, (at) => {
    const name = t.rng.pick(['aws-node', 'kube-proxy']);
    t.add({ at, verb: 'patch', group: 'apps', resource: 'daemonsets', namespace: 'kube-system', name, query: 'fieldManager=eks&force=true',
      user: addonManager, ip: '127.0.0.1', ua: 'eks-addon-manager/v0.0.0 (linux/amd64) kubernetes/$Format',
      reason: 'RBAC: allowed by ClusterRoleBinding "eks:addon-manager" of ClusterRole "eks:addon-manager" to User "eks:addon-manager"',
      body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'eks' } } },
      response: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system', uid: namedUuid(`eks/ds/${name}`), generation: 4 } }, durationUs: t.latency('patch') });
  });
  // Tuesday morning: the platform team maps a new IAM role into the cluster (EKS logs aws-auth writes with bodies)
  const at = atTime(t.week, 1, '09:42:18');
  const mapRoles = [
    '- rolearn: arn:aws:iam::111122223333:role/demo-eks-node-role\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n  - system:bootstrappers\n  - system:nodes',
    '- rolearn: arn:aws:iam::111122223333:role/GitHubActionsDeploy\n  username: ci-deployer\n  groups:\n  - ci:deployers',
    '- rolearn: arn:aws:iam::111122223333:role/Developer\n  username: developer:{{SessionName}}\n  groups:\n  - developers',
    '- rolearn: arn:aws:iam::111122223333:role/SRE\n  username: sre:{{SessionName}}\n  groups:\n  - sre',
  ].join('\n');
  const mapUsers = '- userarn: arn:aws:iam::111122223333:user/svc-reporting\n  username: reporting-bot\n  groups:\n  - reporting:readers';
  const cm = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'aws-auth', namespace: 'kube-system', uid: namedUuid('eks/aws-auth'), resourceVersion: t.nextRv() }, data: { mapRoles, mapUsers } };
  t.add({ auditID: AWS_AUTH_AUDIT_ID, at, verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', user: EKS_ADMIN, ip: '198.51.100.14',
    ua: 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46', body: cm, response: { ...cm, metadata: { ...cm.metadata, resourceVersion: t.nextRv() } }, durationUs: 9_000 });
}

/** svc-reporting: an IAM user with a long-lived access key, mapped to reporting-bot, exports pod counts hourly. */
export const EKS_REPORTING_BOT = {
  username: 'reporting-bot',
  uid: 'aws-iam-authenticator:111122223333:AIDAYDEMOSVCREPORT01',
  groups: ['reporting:readers', 'system:authenticated'],
  extra: {
    accessKeyId: ['AKIAYDEMOSVCREPORT7Q'],
    arn: ['arn:aws:iam::111122223333:user/svc-reporting'],
    canonicalArn: ['arn:aws:iam::111122223333:user/svc-reporting'],
    principalId: ['AIDAYDEMOSVCREPORT01'],
    sessionName: [''],
  },
};
export const REPORTING_REASON = 'RBAC: allowed by ClusterRoleBinding "reporting-readers" of ClusterRole "reporting-reader" to Group "reporting:readers"';

export function eksReportingJob(t: ClusterTraffic): void {
  t.periodic(HOUR_US, 2 * 60e6, (at) => {
    const list = t.add({ at, verb: 'list', resource: 'pods', query: 'limit=500', user: EKS_REPORTING_BOT, ip: EKS_NAT_IP, ua: 'reporting-exporter/1.4.0', reason: REPORTING_REASON, durationUs: t.latency('list') });
    t.add({ at: t.after(list.completedUs, 50, 400), verb: 'list', group: 'apps', resource: 'deployments', query: 'limit=500', user: EKS_REPORTING_BOT, ip: EKS_NAT_IP, ua: 'reporting-exporter/1.4.0', reason: REPORTING_REASON, durationUs: t.latency('list') });
  });
}

export function gkeExtras(t: ClusterTraffic): void {
  const addonManager = { username: 'system:addon-manager', groups: ['system:authenticated'] };
  t.periodic(HOUR_US, 3 * 60e6, (at) => {
    t.add({ at, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'kube-system', name: 'kube-dns', query: 'fieldManager=kubectl-client-side-apply',
      user: addonManager, ip: '::1', ua: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', reason: 'RBAC: allowed by ClusterRoleBinding "system:addon-manager" of ClusterRole "cluster-admin" to User "system:addon-manager"',
      body: { metadata: { annotations: { 'components.gke.io/component-version': '1.31.2-gke.1115000' } } },
      response: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'kube-dns', namespace: 'kube-system', uid: namedUuid('gke/kube-dns'), generation: 7 } }, durationUs: t.latency('patch') });
  });
  const metrics = { username: 'system:clustermetrics', groups: ['system:authenticated'] };
  t.periodic(10 * 60e6, 30e6, (at) => {
    t.add({ at, verb: 'list', resource: 'nodes', query: 'limit=500', user: metrics, ip: '::1', ua: 'clustermetrics/v0.0.0 (linux/amd64) kubernetes/$Format',
      reason: 'RBAC: allowed by ClusterRoleBinding "system:clustermetrics" of ClusterRole "system:clustermetrics" to User "system:clustermetrics"', durationUs: t.latency('list') });
  });
}

/** AKS: aksService reconciles add-ons; a Helm upgrade on Wednesday writes CRDs too big for AKS to keep. */
export function aksExtras(t: ClusterTraffic): void {
  t.periodic(HOUR_US, 10 * 60e6, (at) => {
    t.add({ at, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'kube-system', name: t.rng.pick(['coredns', 'metrics-server', 'konnectivity-agent']),
      query: 'fieldManager=aks-operator', user: AKS_SERVICE.user, ip: AKS_SERVICE.ip, ua: AKS_SERVICE.ua,
      body: { metadata: { labels: { 'kubernetes.azure.com/managedby': 'aks' } } },
      response: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { namespace: 'kube-system', labels: { 'kubernetes.azure.com/managedby': 'aks' } } }, durationUs: t.latency('patch') });
  });
  t.poisson(3, (us) => 0.3 + 0.7 * humanActivity(us), (at) => {
    const pod = podsAt(t.rng.pick(t.apps), at)[0]!;
    t.add({ at, verb: 'create', resource: 'events', namespace: 'kube-system', user: t.profile.controllerManager.user, ip: t.profile.controllerManager.ip, ua: t.profile.controllerManager.ua,
      body: { kind: 'Event', apiVersion: 'v1', metadata: { name: `${pod.name}.${t.rng.hex(16)}`, namespace: 'kube-system' }, reason: 'SuccessfulCreate' }, durationUs: t.latency('create') });
  });
  // helm upgrade cert-manager: CRDs are large; AKS replaces such bodies with a marker
  const admin = t.profile.humans[0]!;
  let at = atTime(t.week, 3, '10:05:12');
  for (const crd of ['certificates', 'certificaterequests', 'issuers', 'clusterissuers', 'challenges', 'orders']) {
    const group = crd === 'challenges' || crd === 'orders' ? 'acme.cert-manager.io' : 'cert-manager.io';
    t.add({ at, verb: 'update', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', name: `${crd}.${group}`,
      user: admin.user, ip: admin.ip, ua: 'Helm/3.16.2', body: { kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', metadata: { name: `${crd}.${group}`, resourceVersion: t.nextRv() } },
      response: { kind: 'CustomResourceDefinition' }, durationUs: 40_000 });
    at += t.rng.int(80_000, 400_000);
  }
}

/** AuditIds of requests whose bodies AKS dropped for size (set by the Log Analytics writer). */
export const AKS_TOO_BIG = (r: { verb: string; objectRef?: { resource: string } }): boolean =>
  r.objectRef?.resource === 'customresourcedefinitions' && r.verb === 'update';

export function onpremExtras(t: ClusterTraffic): void {
  // Argo CD on demo-eks manages this cluster through the argocd-manager service account
  const argo = { user: ONPREM_ARGOCD, ip: EKS_NAT_IP, ua: 'argocd-application-controller/v2.12.4+f7d0e0e (linux/amd64) kubernetes/$Format' };
  const reason = 'RBAC: allowed by ClusterRoleBinding "argocd-manager-role-binding" of ClusterRole "argocd-manager-role" to ServiceAccount "argocd-manager/kube-system"';
  for (const [group, resource] of [['apps', 'deployments']] as const) {
    let at = t.week.startUs - t.rng.int(0, 600) * 1e6;
    while (at < t.week.endUs) {
      const timeout = t.rng.int(300, 600);
      if (at >= t.week.startUs) {
        t.add({ at, verb: 'watch', group, resource, query: `allowWatchBookmarks=true&resourceVersion=${t.nextRv()}&timeoutSeconds=${timeout}&watch=true`,
          user: argo.user, ip: argo.ip, ua: argo.ua, reason, durationUs: timeout * 1e6 });
      }
      at += timeout * 1e6 + t.rng.int(1000, 90_000);
    }
  }
  // Tuesday: the pipeline applies the payments database credentials (logged with bodies: policy rule 1)
  const ci = t.profile.ci;
  const at = atTime(t.week, 1, '10:14:03');
  const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-db', namespace: 'payments' }, type: 'Opaque', stringData: { username: 'payments', password: ONPREM_SECRET_VALUE } };
  const lastApplied = JSON.stringify(manifest);
  const uid = namedUuid('onprem/secret/payments-db');
  t.add({ at, verb: 'get', resource: 'secrets', namespace: 'payments', name: 'payments-db', user: ci.user, ip: ci.ip, ua: ci.ua, code: 404,
    reason: 'RBAC: allowed by ClusterRoleBinding "ci-deployer" of ClusterRole "edit" to ServiceAccount "deployer/ci"', durationUs: 2_100 });
  t.add({
    auditID: ONPREM_SECRET_AUDIT_ID, at: at + 48_000, verb: 'create', resource: 'secrets', namespace: 'payments', query: 'fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    user: ci.user, ip: ci.ip, ua: ci.ua, reason: 'RBAC: allowed by ClusterRoleBinding "ci-deployer" of ClusterRole "edit" to ServiceAccount "deployer/ci"',
    body: { ...manifest, metadata: { ...manifest.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied + '\n' } } },
    response: {
      kind: 'Secret', apiVersion: 'v1', type: 'Opaque',
      metadata: { name: 'payments-db', namespace: 'payments', uid, resourceVersion: t.nextRv(), creationTimestamp: new Date((at + 48_000) / 1000).toISOString().slice(0, 19) + 'Z',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied + '\n' } },
      data: { username: Buffer.from('payments').toString('base64'), password: Buffer.from(ONPREM_SECRET_VALUE).toString('base64') },
    },
    durationUs: 7_400,
  });
}
