/**
 * What a cluster does on its own, day and night: leader-election and node leases, node heartbeats,
 * controllers' and kubelets' watches, kubelet token refreshes, delegated authentication of an
 * aggregated API, and internet scanners knocking on public endpoints. Rates are scaled well below a real
 * cluster's (a controller renews its lease every 2 s, not every 10 min) so that people's work shows
 * in the hour-by-day shape and the whole week stays small enough to import in seconds.
 */
import type { Actor } from './clusters.js';
import { podsAt, type ClusterTraffic } from './cluster-traffic.js';
import { lease, nodeStatusPatch, tokenRequest } from './objects.js';
import { nonResourceCall } from './request.js';
import { humanActivity, MINUTE_US } from './timeline.js';

const rbac = (kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, role: string, subject: string): string =>
  `RBAC: allowed by ${kind} "${name}" of ClusterRole "${role}" to ${subject}`;

export function leases(t: ClusterTraffic): void {
  const p = t.profile;
  const leaders: Array<[Actor, string]> = [[p.controllerManager, 'kube-controller-manager'], [p.scheduler, 'kube-scheduler'], ...p.extraLeases];
  for (const [actor, name] of leaders) {
    const uid = t.id();
    const holder = `${actor.ip === '127.0.0.1' || actor.ip === '::1' ? 'ip-10-0-0-11' : 'control-plane-0'}_${t.id()}`;
    const created = t.week.startUs - 40 * 86_400e6;
    const reason = actor.user.username.startsWith('system:')
      ? rbac('ClusterRoleBinding', actor.user.username, actor.user.username, `User "${actor.user.username}"`)
      : '';
    t.periodic(10 * MINUTE_US, 3e6, (at) => {
      const conflict = t.rng.chance(0.01);
      const body = lease({ name, namespace: 'kube-system', uid, resourceVersion: t.nextRv(), createdUs: created }, holder, at, 15);
      t.add({
        at, verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name,
        user: actor.user, ip: actor.ip, ua: `${actor.ua}/leader-election`, body,
        response: conflict ? undefined : { ...body, metadata: { ...(body.metadata as object), resourceVersion: t.nextRv() } },
        code: conflict ? 409 : 200, reason, durationUs: t.latency('update'),
      });
    });
  }
  for (const node of p.nodes) {
    const uid = t.id();
    const created = t.week.startUs - 12 * 86_400e6;
    t.periodic(20 * MINUTE_US, 2e6, (at) => {
      const body = lease({ name: node.name, namespace: 'kube-node-lease', uid, resourceVersion: t.nextRv(), createdUs: created }, node.name, at, 40);
      t.add({
        at, verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: node.name,
        user: node.user, ip: node.ip, ua: kubeletUa(t), body, response: { ...body, metadata: { ...(body.metadata as object), resourceVersion: t.nextRv() } },
        durationUs: t.latency('update'),
      });
    });
  }
}

export function kubeletUa(t: ClusterTraffic): string {
  return `kubelet/${t.profile.version} (linux/amd64) kubernetes/${t.profile.gitCommit}`;
}

export function nodeHeartbeats(t: ClusterTraffic): void {
  for (const node of t.profile.nodes) {
    t.periodic(20 * MINUTE_US, 5e6, (at) => {
      t.add({
        at, verb: 'patch', resource: 'nodes', name: node.name, subresource: 'status', user: node.user, ip: node.ip, ua: kubeletUa(t),
        body: nodeStatusPatch(at), durationUs: t.latency('patch'),
      });
    });
  }
}

interface Watcher {
  actor: Actor;
  group?: string;
  resource: string;
  namespace?: string;
  selector?: string;
  reason: string;
}

/** Informers: a watch is re-established when the server ends it (timeoutSeconds 5-10 minutes). */
export function watches(t: ClusterTraffic): void {
  const p = t.profile;
  const kcm = (controller: string): Actor => ({
    user: { username: `system:serviceaccount:kube-system:${controller}`, uid: t.id(), groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
    ip: p.controllerManager.ip,
    ua: `${p.controllerManager.ua}/shared-informers`,
  });
  const cm = (name: string) => rbac('ClusterRoleBinding', `system:controller:${name}`, `system:controller:${name}`, `ServiceAccount "${name}/kube-system"`);
  const watchers: Watcher[] = [
    { actor: kcm('deployment-controller'), group: 'apps', resource: 'deployments', reason: cm('deployment-controller') },
    { actor: p.scheduler, resource: 'pods', selector: 'fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed', reason: rbac('ClusterRoleBinding', 'system:kube-scheduler', 'system:kube-scheduler', 'User "system:kube-scheduler"') },
    ...p.nodes.map((n): Watcher => ({
      actor: { user: n.user, ip: n.ip, ua: kubeletUa(t) }, resource: 'pods', selector: `fieldSelector=spec.nodeName%3D${n.name}`, reason: '',
    })),
  ];
  for (const w of watchers) {
    let at = t.week.startUs - Math.floor(t.rng.float() * 5 * MINUTE_US);
    while (at < t.week.endUs) {
      const timeout = t.rng.int(300, 600);
      const durationUs = timeout * 1e6 + t.rng.int(0, 900_000);
      const q = [w.selector, 'allowWatchBookmarks=true', `resourceVersion=${t.nextRv()}`, `timeout=${Math.floor(timeout / 60)}m${timeout % 60}s`, `timeoutSeconds=${timeout}`, 'watch=true']
        .filter(Boolean)
        .join('&');
      if (at >= t.week.startUs) {
        t.add({ at, verb: 'watch', group: w.group, resource: w.resource, namespace: w.namespace, query: q, user: w.actor.user, ip: w.actor.ip, ua: w.actor.ua, reason: w.reason, durationUs });
      }
      at += durationUs + t.rng.int(500, 60_000);
    }
  }
}

/** Kubelets refresh the projected service-account tokens of their pods (TokenRequest), ~hourly. */
export function tokenRefreshes(t: ClusterTraffic): void {
  for (const state of t.apps) {
    for (let i = 0; i < state.app.replicas; i++) {
      t.periodic(48 * MINUTE_US, 4 * MINUTE_US, (at) => {
        const pods = podsAt(state, at);
        const pod = pods[i % pods.length]!;
        const node = t.profile.nodes.find((n) => n.name === pod.node) ?? t.profile.nodes[0]!;
        t.add({
          at, verb: 'create', resource: 'serviceaccounts', namespace: state.app.namespace, name: state.app.serviceAccount, subresource: 'token',
          user: node.user, ip: node.ip, ua: kubeletUa(t), body: tokenRequest('https://kubernetes.default.svc', 3607, pod),
          annotations: { 'authentication.kubernetes.io/issued-credential-id': `JTI=${t.id()}` }, durationUs: t.latency('create'),
        });
      });
    }
  }
}

/** metrics-server authenticates callers of the aggregated metrics API (HPA, kubectl top). */
export function delegatedAuth(t: ClusterTraffic): void {
  const user = {
    username: 'system:serviceaccount:kube-system:metrics-server', uid: t.id(),
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/pod-name': [`metrics-server-${t.rng.suffix(10)}-${t.rng.suffix(5)}`], 'authentication.kubernetes.io/pod-uid': [t.id()] },
  };
  const ip = `${t.profile.podNet}.1.${t.rng.int(2, 250)}`;
  t.poisson(12, (us) => 0.3 + 0.7 * humanActivity(us), (at) => {
    t.add({
      at, verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews', user, ip, ua: 'metrics-server/v0.7.2 (linux/amd64) kubernetes/$Format',
      body: { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: '' } },
      reason: rbac('ClusterRoleBinding', 'metrics-server:system:auth-delegator', 'system:auth-delegator', 'ServiceAccount "metrics-server/kube-system"'),
      durationUs: t.latency('create'),
    });
  });
}

const SCANNER_UAS = ['Mozilla/5.0 zgrab/0.x', 'python-requests/2.31.0', 'Go-http-client/1.1', 'curl/7.88.1', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)'];
const SCANNER_PATHS = ['/', '/api', '/apis', '/.env', '/metrics', 'secrets:kube-system', 'pods:'];
export const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Internet-wide scanners find every public API endpoint; unauthenticated, they are refused. */
export function scanners(t: ClusterTraffic): void {
  if (!t.profile.publicEndpoint) return;
  t.poisson(1.2, () => 1, (at) => {
    const ip = `192.0.2.${t.rng.int(1, 254)}`;
    const ua = t.rng.pick(SCANNER_UAS);
    const n = t.rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const target = t.rng.pick(SCANNER_PATHS);
      const when = t.after(at, i * 300, i * 300 + 900);
      if (target.includes(':')) {
        const [resource, ns] = target.split(':') as [string, string];
        t.add({ at: when, verb: 'list', resource, namespace: ns || undefined, user: ANONYMOUS, ip, ua, code: 403, durationUs: 900 });
      } else {
        t.push(nonResourceCall({ auditID: t.id(), at: when, path: target, user: ANONYMOUS, ip, ua, code: 403 }));
      }
    }
  });
}
