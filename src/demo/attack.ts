/**
 * The attack story, told across two clusters because that is how it reads in a fleet:
 * an attacker scanning the internet finds anonymous read access on demo-eks (granted the day before by a
 * "temporary" ClusterRoleBinding), comes back with a leaked IAM access key of a reporting bot whose role
 * is far too broad, checks what it may do, execs into pods, dumps every Secret - among them Argo CD's
 * credentials for demo-onprem - and uses those on demo-onprem to start a privileged host-root pod in
 * kube-system, make itself a cluster-admin service account, mint a token for it, and delete the events
 * that name its pod. demo-onprem's policy logs event deletion; with EKS's (the reference) policy that
 * last step would be invisible (`events` are never audited there).
 *
 * Every audit ID here is derived from the step's name (namedUuid), so it does not move when ordinary
 * traffic changes or when the dataset is generated with another --end.
 */
import { EKS_ADMIN, ONPREM_ARGOCD } from './clusters.js';
import { podsAt, type ClusterTraffic } from './cluster-traffic.js';
import { EKS_REPORTING_BOT, REPORTING_REASON } from './provider-traffic.js';
import { namedUuid } from './random.js';
import { nonResourceCall, type Request, type UserInfo } from './request.js';
import { ANONYMOUS, kubeletUa } from './system-traffic.js';
import { at as atTime, isoMicros } from './timeline.js';

export const ATTACKER_IP = '203.0.113.77';
const KUBECTL = 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46';
const KUBECTL_SPDY = 'kubectl/v1.24.17 (linux/amd64) kubernetes/22a9682';
const ACCESS_MATRIX = 'kubectl-access_matrix/v0.0.0 (linux/amd64) kubernetes/$Format';
const PY_CLIENT = 'OpenAPI-Generator/31.0.0/python';

export interface StoryRow {
  step: number;
  title: string;
  cluster: string;
  request: Request;
}

export interface StoryStep {
  step: number;
  /** Where it happens. */
  cluster: string;
  title: string;
  detail: string;
  /**
   * The detections (queries/detections ids) built to catch this step: each must report a finding on the
   * step's cluster with one of the step's requests as evidence (test/demo/story.test.ts checks it).
   */
  detections: string[];
}

export interface Story {
  rows: StoryRow[];
  /** The steps in order. */
  steps: StoryStep[];
}

/** The story's steps: what happens where, and which detections are built to catch it. */
export const STORY_STEPS: readonly StoryStep[] = [
  {
    step: 0,
    cluster: 'demo-eks',
    title: 'Prelude: anonymous user bound to ClusterRole view',
    detail: 'kubernetes-admin (the shared admin mapping; extra.arn names maria.santos) binds system:anonymous to "view" to unblock a legacy metrics probe.',
    detections: ['anonymous-granted-permissions', 'rbac-binding-changed'],
  },
  {
    step: 1,
    cluster: 'demo-eks',
    title: 'Anonymous access allowed',
    detail: 'An unauthenticated client lists namespaces and every pod; discovery and secrets stay forbidden.',
    detections: ['anonymous-request-allowed'],
  },
  {
    step: 2,
    cluster: 'demo-eks',
    title: 'Permission discovery: kubectl auth can-i --list and access-matrix',
    detail: 'The leaked long-lived key of IAM user svc-reporting (mapped to reporting-bot) is used from the same address: a rules review, then a recon tool sweeps access reviews.',
    detections: ['recon-tool-user-agent'],
  },
  {
    step: 3,
    cluster: 'demo-eks',
    title: 'Exec into pods (WebSocket get, then SPDY create)',
    detail: 'A shell in a payments pod with a current kubectl (WebSocket: audited as get on pods/exec), then in a shop pod with an old kubectl (SPDY: create).',
    detections: ['pod-exec', 'exec-shell-or-download-tool'],
  },
  {
    step: 4,
    cluster: 'demo-eks',
    title: 'Secret dump: cluster-wide list and a burst of GETs',
    detail: 'All Secrets are listed at once (/api/v1/secrets), then read one by one by a Python client; among them Argo CD\'s credentials for demo-onprem.',
    detections: ['secrets-list-cluster-wide', 'secrets-read-burst', 'secret-read-by-unusual-client'],
  },
  {
    step: 5,
    cluster: 'demo-onprem',
    title: 'Pivot to demo-onprem: privileged hostPID pod with hostPath / in kube-system',
    detail: 'Argo CD\'s argocd-manager token (a legacy Secret-based token, cluster-wide rights) is used from the attacker\'s address: a rules review, a privileged pod mounting the node\'s root, and a shell in it.',
    detections: [
      'system-identity-from-public-ip', 'permission-check', 'privileged-container', 'host-pid-pod', 'host-network-pod', 'sensitive-hostpath-mount',
      'workload-in-system-namespace', 'exec-in-system-namespace', 'exec-shell-or-download-tool',
    ],
  },
  {
    step: 6,
    cluster: 'demo-onprem',
    title: 'Persistence: ServiceAccount bound to cluster-admin',
    detail: 'A service account that looks like maintenance, and a ClusterRoleBinding giving it cluster-admin.',
    detections: ['serviceaccount-created-in-system-namespace', 'cluster-admin-binding', 'serviceaccount-writes-rbac', 'rbac-binding-changed'],
  },
  {
    step: 7,
    cluster: 'demo-onprem',
    title: 'TokenRequest for the new service account',
    detail: 'A year-long token for cluster-maintenance (TokenRequest; audited at Metadata, so the token itself is never in the log).',
    detections: ['serviceaccount-token-created'],
  },
  {
    step: 8,
    cluster: 'demo-onprem',
    title: 'Events deleted',
    detail: 'With the minted token, the events that name the node-shell pod are deleted from kube-system.',
    detections: ['events-deleted', 'system-identity-from-public-ip'],
  },
];

const id = (key: string) => namedUuid(`story/${key}`);

/** Adds to `story` as the steps are told (clusters are generated one after the other, to save memory). */
function teller(story: Story, t: ClusterTraffic) {
  return {
    step: (n: number) => {
      const def = STORY_STEPS.find((s) => s.step === n)!;
      if (def.cluster !== t.profile.name) throw new Error(`story step ${n} belongs to ${def.cluster}, not ${t.profile.name}`);
      story.steps.push(def);
    },
    row: (n: number, _t: ClusterTraffic, r: Request) => {
      story.rows.push({ step: n, title: story.steps.find((s) => s.step === n)!.title, cluster: t.profile.name, request: r });
      return r;
    },
    T: (day: number, hhmmss: string, ms = 0) => atTime(t.week, day, hhmmss) + ms * 1000,
  };
}

const crb = (name: string, role: string, subject: Record<string, string>, uid: string, createdUs: number) => ({
  kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name, uid, resourceVersion: '', creationTimestamp: isoMicros(createdUs).slice(0, 19) + 'Z' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [subject],
});

/** Steps 0-4, on demo-eks. */
export function attackOnEks(eks: ClusterTraffic, story: Story): void {
  const { step, row, T } = teller(story, eks);

  // 0. Wednesday afternoon: a "temporary" binding gives the anonymous user read access
  step(0);
  {
    const at = T(2, '15:20:41', 310);
    const body = crb('legacy-metrics-anonymous', 'view', { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }, namedUuid('eks/crb/legacy-metrics-anonymous'), at);
    row(0, eks, eks.add({ auditID: id('0-anonymous-binding'), at, verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', user: EKS_ADMIN, ip: '198.51.100.14',
      ua: 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46', body: { ...body, metadata: { name: body.metadata.name } }, response: body, durationUs: 6_800 }));
  }

  // 1. Thursday 22:41: the scanner comes back and finds it
  step(1);
  const anonReason = 'RBAC: allowed by ClusterRoleBinding "legacy-metrics-anonymous" of ClusterRole "view" to User "system:anonymous"';
  row(1, eks, eks.push(nonResourceCall({ auditID: id('1-anonymous-api'), at: T(3, '22:41:07', 112), path: '/api', user: ANONYMOUS, ip: ATTACKER_IP, ua: 'curl/8.5.0', code: 403 })));
  row(1, eks, eks.add({ auditID: id('1-anonymous-namespaces'), at: T(3, '22:41:19', 845), verb: 'list', resource: 'namespaces', user: ANONYMOUS, ip: ATTACKER_IP, ua: 'curl/8.5.0', reason: anonReason, durationUs: 4_100 }));
  row(1, eks, eks.add({ auditID: id('1-anonymous-pods'), at: T(3, '22:41:32', 17), verb: 'list', resource: 'pods', user: ANONYMOUS, ip: ATTACKER_IP, ua: 'curl/8.5.0', reason: anonReason, durationUs: 21_300 }));
  row(1, eks, eks.add({ auditID: id('1-anonymous-secrets'), at: T(3, '22:41:40', 402), verb: 'list', resource: 'secrets', user: ANONYMOUS, ip: ATTACKER_IP, ua: 'curl/8.5.0', code: 403, durationUs: 800 }));

  // 2. With svc-reporting's leaked access key: what may I do?
  step(2);
  const rules = [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'namespaces', 'secrets', 'services', 'configmaps'] },
    { verbs: ['create', 'get'], apiGroups: [''], resources: ['pods/exec'] },
    { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments', 'replicasets'] },
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  ];
  row(2, eks, eks.add({ auditID: id('2-can-i-list'), at: T(3, '22:44:02', 530), verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews',
    user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: KUBECTL, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    body: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: 'default' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } },
    response: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {}, status: { resourceRules: rules, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/version'] }], incomplete: false } },
    durationUs: 3_900 }));
  const probes: Array<[string, string, string, boolean]> = [
    ['', 'secrets', 'list', true], ['', 'pods/exec', 'create', true], ['', 'nodes', 'list', false], ['rbac.authorization.k8s.io', 'clusterrolebindings', 'create', false],
    ['', 'serviceaccounts/token', 'create', false], ['apps', 'daemonsets', 'create', false], ['', 'pods', 'create', false], ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'create', false],
  ];
  probes.forEach(([group, resource, verb, allowed], i) => {
    const [res, sub] = resource.split('/');
    row(2, eks, eks.add({ auditID: id(`2-access-matrix-${i}`), at: T(3, '22:44:31', i * 640 + 11), verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews',
      user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: ACCESS_MATRIX, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
      body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { resourceAttributes: { verb, group, resource: res, ...(sub ? { subresource: sub } : {}) } } },
      response: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { resourceAttributes: { verb, group, resource: res, ...(sub ? { subresource: sub } : {}) } },
        status: { allowed, ...(allowed ? { reason: REPORTING_REASON } : {}) } },
      durationUs: 1_700 }));
  });

  // 3. Exec into pods: WebSocket (verb get) and SPDY (verb create)
  step(3);
  const payments = eks.apps.find((a) => a.app.name === 'payments-api')!;
  const checkout = eks.apps.find((a) => a.app.name === 'checkout-web')!;
  const t3 = T(3, '22:47:55', 204);
  const p1 = podsAt(payments, t3)[0]!;
  row(3, eks, eks.add({ auditID: id('3-exec-websocket'), at: t3, verb: 'get', resource: 'pods', namespace: 'payments', name: p1.name, subresource: 'exec',
    query: 'command=sh&container=payments-api&stdin=true&stdout=true&tty=true', user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: KUBECTL, reason: REPORTING_REASON, durationUs: 171_400_000 }));
  const t3b = T(3, '22:52:10', 660);
  const p2 = podsAt(checkout, t3b)[0]!;
  row(3, eks, eks.add({ auditID: id('3-exec-spdy'), at: t3b, verb: 'create', resource: 'pods', namespace: 'shop', name: p2.name, subresource: 'exec',
    query: 'command=sh&command=-c&command=env&container=checkout-web&stderr=true&stdout=true', user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: KUBECTL_SPDY, reason: REPORTING_REASON, durationUs: 1_300_000 }));

  // 4. Secrets: one cluster-wide list, then a burst of reads
  step(4);
  row(4, eks, eks.add({ auditID: id('4-list-all-secrets'), at: T(3, '22:55:30', 77), verb: 'list', resource: 'secrets', query: 'limit=500', user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: KUBECTL, reason: REPORTING_REASON, durationUs: 38_000 }));
  const targets: Array<[string, string, number]> = [
    ['payments', 'payments-db', 200], ['payments', 'stripe-api-key', 200], ['payments', 'payments-api-config', 200], ['shop', 'catalog-db', 200], ['shop', 'checkout-web-config', 200],
    ['shop', 'session-signing-key', 200], ['orders', 'orders-worker-config', 200], ['orders', 'rabbitmq-credentials', 200], ['argocd', 'argocd-secret', 200],
    ['argocd', 'cluster-onprem-api.corp.example-3062142417', 200], ['argocd', 'repo-github-deploy-key', 200], ['monitoring', 'grafana-admin', 200], ['monitoring', 'alertmanager-slack-webhook', 200],
    ['kube-system', 'aws-load-balancer-tls', 200], ['kube-system', 'ebs-csi-token', 404], ['ops', 'db-backup-s3', 200], ['default', 'aws-credentials', 404], ['ops', 'pagerduty-token', 200],
  ];
  targets.forEach(([ns, name, code], i) => {
    row(4, eks, eks.add({ auditID: id(`4-get-secret-${i}`), at: T(3, '22:56:02', i * 3_900 + (i % 3) * 170), verb: 'get', resource: 'secrets', namespace: ns, name,
      user: EKS_REPORTING_BOT, ip: ATTACKER_IP, ua: PY_CLIENT, reason: REPORTING_REASON, code, durationUs: 2_300 + i * 40 }));
  });

}

/** Steps 5-8, on demo-onprem. */
export function attackOnOnprem(onprem: ClusterTraffic, story: Story): void {
  const { step, row, T } = teller(story, onprem);
  // 5. demo-onprem with Argo CD's argocd-manager token: look around, start a host-root pod
  step(5);
  const argoReason = 'RBAC: allowed by ClusterRoleBinding "argocd-manager-role-binding" of ClusterRole "argocd-manager-role" to ServiceAccount "argocd-manager/kube-system"';
  const legacy = { 'authentication.k8s.io/legacy-token': 'argocd-manager-token-7wq2d' };
  row(5, onprem, onprem.add({ auditID: id('5-onprem-can-i'), at: T(3, '23:01:44', 918), verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews',
    user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"', annotations: legacy,
    body: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: 'kube-system' } },
    response: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {}, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], incomplete: false } },
    durationUs: 2_800 }));
  const podName = 'node-shell-7k2xq';
  const podUid = namedUuid('onprem/pod/node-shell');
  const node = onprem.profile.nodes[1]!;
  const t5 = T(3, '23:03:09', 455);
  const spec = {
    nodeName: node.name,
    hostPID: true,
    hostNetwork: true,
    containers: [{ name: 'shell', image: 'docker.io/library/alpine:3.20', command: ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--', 'sh'],
      stdin: true, tty: true, securityContext: { privileged: true }, volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
    volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }],
    tolerations: [{ operator: 'Exists' }],
    restartPolicy: 'Never',
  };
  const podBody = { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: 'kube-system', labels: { run: 'node-shell' } }, spec };
  const podResp = { ...podBody, metadata: { ...podBody.metadata, uid: podUid, resourceVersion: onprem.nextRv(), creationTimestamp: isoMicros(t5).slice(0, 19) + 'Z' }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
  row(5, onprem, onprem.add({ auditID: id('5-privileged-pod'), at: t5, verb: 'create', resource: 'pods', namespace: 'kube-system', query: 'fieldManager=kubectl-run',
    user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: argoReason, annotations: { ...legacy, 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' },
    body: podBody, response: podResp, durationUs: 14_200 }));
  onprem.add({ at: t5 + 2_600_000, verb: 'patch', resource: 'pods', namespace: 'kube-system', name: podName, subresource: 'status', user: node.user, ip: node.ip, ua: kubeletUa(onprem),
    body: { metadata: { uid: podUid }, status: { phase: 'Running', hostIP: node.ip, podIP: node.ip } }, durationUs: 5_100 });
  row(5, onprem, onprem.add({ auditID: id('5-exec-node-shell'), at: T(3, '23:04:02', 31), verb: 'get', resource: 'pods', namespace: 'kube-system', name: podName, subresource: 'exec',
    query: 'command=sh&container=shell&stdin=true&stdout=true&tty=true', user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: argoReason, annotations: legacy, durationUs: 201_000_000 }));

  // 6. Persistence: a new service account bound to cluster-admin
  step(6);
  const saUid = namedUuid('onprem/sa/cluster-maintenance');
  const t6 = T(3, '23:08:12', 380);
  const saBody = { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'cluster-maintenance', namespace: 'kube-system' } };
  row(6, onprem, onprem.add({ auditID: id('6-create-sa'), at: t6, verb: 'create', resource: 'serviceaccounts', namespace: 'kube-system', user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: argoReason, annotations: legacy,
    body: saBody, response: { ...saBody, metadata: { ...saBody.metadata, uid: saUid, resourceVersion: onprem.nextRv(), creationTimestamp: isoMicros(t6).slice(0, 19) + 'Z' } }, durationUs: 6_100 }));
  const t6b = T(3, '23:08:40', 902);
  const binding = crb('cluster-maintenance-admin', 'cluster-admin', { kind: 'ServiceAccount', name: 'cluster-maintenance', namespace: 'kube-system' }, namedUuid('onprem/crb/cluster-maintenance-admin'), t6b);
  row(6, onprem, onprem.add({ auditID: id('6-cluster-admin-binding'), at: t6b, verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: argoReason, annotations: legacy,
    body: { ...binding, metadata: { name: binding.metadata.name } }, response: { ...binding, metadata: { ...binding.metadata, resourceVersion: onprem.nextRv() } }, durationUs: 7_300 }));

  // 7. A token for it
  step(7);
  const jti = namedUuid('story/token-jti');
  row(7, onprem, onprem.add({ auditID: id('7-token-request'), at: T(3, '23:09:05', 66), verb: 'create', resource: 'serviceaccounts', namespace: 'kube-system', name: 'cluster-maintenance', subresource: 'token',
    user: ONPREM_ARGOCD, ip: ATTACKER_IP, ua: KUBECTL, reason: argoReason, annotations: { ...legacy, 'authentication.kubernetes.io/issued-credential-id': `JTI=${jti}` },
    body: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { audiences: null, expirationSeconds: 31_536_000, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } },
    durationUs: 4_400 }));

  // 8. Covering tracks, with the new identity
  step(8);
  const maint: UserInfo = {
    username: 'system:serviceaccount:kube-system:cluster-maintenance', uid: saUid,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
  };
  ['Scheduled', 'Pulled', 'Started'].forEach((what, i) => {
    row(8, onprem, onprem.add({ auditID: id(`8-delete-event-${i}`), at: T(3, '23:11:20', i * 1_450 + 12), verb: 'delete', resource: 'events', namespace: 'kube-system',
      name: `${podName}.${namedUuid(`story/event-${what}`).replaceAll('-', '').slice(0, 16)}`, user: maint, ip: ATTACKER_IP, ua: KUBECTL,
      reason: 'RBAC: allowed by ClusterRoleBinding "cluster-maintenance-admin" of ClusterRole "cluster-admin" to ServiceAccount "cluster-maintenance/kube-system"', durationUs: 3_200 }));
  });
}
