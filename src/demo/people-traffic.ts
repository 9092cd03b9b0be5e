/**
 * People at work with kubectl: look at pods and logs, describe deployments, port-forward, restart or
 * scale something, edit a ConfigMap, now and then exec into a pod to check something. Developers get a
 * 403 when they reach into namespaces that are not theirs, and a 404 for a pod that has just gone.
 */
import type { Actor } from './clusters.js';
import { podsAt, type ClusterTraffic } from './cluster-traffic.js';
import { humanActivity } from './timeline.js';

type Step = (t: ClusterTraffic, at: number, who: Actor, admin: boolean) => number;

const reasonFor = (who: Actor, admin: boolean): string =>
  admin || who.user.groups?.includes('system:masters') ? '' : `RBAC: allowed by RoleBinding "team-edit" of ClusterRole "edit" to User "${who.user.username}"`;

const app = (t: ClusterTraffic) => t.rng.pick(t.apps);

const steps: Array<[Step, number]> = [
  [(t, at, who, admin) => t.add({ at, verb: 'list', resource: 'pods', namespace: app(t).app.namespace, query: 'limit=500', user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: t.latency('list') }).completedUs, 30],
  [(t, at, who, admin) => {
    const s = app(t);
    const gone = t.rng.chance(0.08);
    const name = gone ? `${s.app.name}-${t.podTemplateHash()}-${t.rng.suffix(5)}` : t.rng.pick(podsAt(s, at)).name;
    return t.add({ at, verb: 'get', resource: 'pods', namespace: s.app.namespace, name, user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), code: gone ? 404 : 200, durationUs: t.latency('get') }).completedUs;
  }, 20],
  [(t, at, who, admin) => {
    const s = app(t);
    const p = t.rng.pick(podsAt(s, at));
    const follow = t.rng.chance(0.25);
    return t.add({ at, verb: 'get', resource: 'pods', namespace: s.app.namespace, name: p.name, subresource: 'log', query: follow ? `container=${s.app.name}&follow=true` : `container=${s.app.name}&tailLines=200`,
      user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: follow ? t.rng.int(20, 600) * 1e6 : t.latency('get') }).completedUs;
  }, 15],
  [(t, at, who, admin) => {
    const s = app(t);
    return t.add({ at, verb: 'get', group: 'apps', resource: 'deployments', namespace: s.app.namespace, name: s.app.name, user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: t.latency('get') }).completedUs;
  }, 12],
  [(t, at, who, admin) => t.add({ at, verb: 'list', resource: 'events', namespace: app(t).app.namespace, query: 'fieldSelector=involvedObject.kind%3DPod&limit=500', user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: t.latency('list') }).completedUs, 8],
  [(t, at, who, admin) => {
    // developers may not read secrets outside their namespaces
    const s = app(t);
    const denied = !admin && s.app.namespace === 'payments';
    return t.add({ at, verb: 'get', resource: 'secrets', namespace: s.app.namespace, name: `${s.app.name}-config`, user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), code: denied ? 403 : 200, durationUs: t.latency('get') }).completedUs;
  }, 4],
  [(t, at, who, admin) => {
    const s = app(t);
    const p = t.rng.pick(podsAt(s, at));
    return t.add({ at, verb: 'create', resource: 'pods', namespace: s.app.namespace, name: p.name, subresource: 'portforward', user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: t.rng.int(30, 1200) * 1e6 }).completedUs;
  }, 2],
  [(t, at, who, admin) => {
    // kubectl >= 1.30 streams exec over WebSocket: an HTTP GET, audited as verb "get"
    const s = app(t);
    const p = t.rng.pick(podsAt(s, at));
    const command = t.rng.pick(['command=df&command=-h', 'command=env', 'command=cat&command=%2Fetc%2Fresolv.conf', 'command=ls&command=-la&command=%2Fapp']);
    return t.add({ at, verb: 'get', resource: 'pods', namespace: s.app.namespace, name: p.name, subresource: 'exec', query: `${command}&container=${s.app.name}&stderr=true&stdout=true`,
      user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), durationUs: t.rng.int(1, 4) * 1e6 }).completedUs;
  }, 1],
  [(t, at, who, admin) => {
    const s = app(t);
    const restartedAt = new Date(at / 1000).toISOString().slice(0, 19) + 'Z';
    return t.add({ at, verb: 'patch', group: 'apps', resource: 'deployments', namespace: s.app.namespace, name: s.app.name, query: 'fieldManager=kubectl-rollout',
      user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin),
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } },
      response: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: s.app.name, namespace: s.app.namespace, uid: s.deploymentUid, generation: ++s.generation },
        spec: { replicas: s.app.replicas, template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } },
      durationUs: t.latency('patch') }).completedUs;
  }, 1.5],
  [(t, at, who, admin) => {
    const s = app(t);
    const replicas = s.app.replicas + t.rng.int(0, 2);
    return t.add({ at, verb: 'patch', group: 'apps', resource: 'deployments', namespace: s.app.namespace, name: s.app.name, subresource: 'scale', query: 'fieldManager=kubectl-scale',
      user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin), body: { spec: { replicas } },
      response: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: s.app.name, namespace: s.app.namespace }, spec: { replicas }, status: { replicas: s.app.replicas } },
      durationUs: t.latency('patch') }).completedUs;
  }, 1],
  [(t, at, who, admin) => {
    const s = app(t);
    const name = `${s.app.name}-settings`;
    return t.add({ at, verb: 'update', resource: 'configmaps', namespace: s.app.namespace, name, user: who.user, ip: who.ip, ua: who.ua, reason: reasonFor(who, admin),
      body: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: s.app.namespace, resourceVersion: t.nextRv() }, data: { LOG_LEVEL: t.rng.pick(['info', 'debug']), FEATURE_NEW_CHECKOUT: String(t.rng.chance(0.5)) } },
      durationUs: t.latency('update') }).completedUs;
  }, 1.5],
  [(t, at, who, admin) => t.add({ at, verb: 'list', resource: 'nodes', query: 'limit=500', user: who.user, ip: who.ip, ua: who.ua,
    code: admin ? 200 : 403, reason: reasonFor(who, admin), durationUs: t.latency('list') }).completedUs, 3],
];

/** kubectl sessions of a few minutes, mostly in office hours. */
export function kubectlSessions(t: ClusterTraffic): void {
  const humans = t.profile.humans;
  t.poisson(30, humanActivity, (at) => {
    const i = t.rng.weighted(humans.map((_, k) => [k, k === 0 ? 1 : 2] as const));
    const who = humans[i]!;
    const admin = i === 0;
    const n = t.rng.int(2, 10);
    let now = at;
    for (let k = 0; k < n; k++) {
      const step = t.rng.weighted(steps);
      const done = step(t, now, who, admin);
      now = t.after(done, 1500, 45_000);
    }
  });
}
