/**
 * Workloads changing: the deployment pipeline rolls out new images (kubectl apply from CI, then the
 * deployment and replica-set controllers, the scheduler and the kubelets doing their part), and an
 * hourly backup CronJob runs its Job. Each chain is consistent: the pods a controller creates are the
 * ones the scheduler binds and the kubelets report on.
 */
import type { Actor } from './clusters.js';
import type { AppState, ClusterTraffic, PodState } from './cluster-traffic.js';
import { deployment, job, pod, podSpec, podStatusPatch, replicaSet } from './objects.js';
import { namedUuid } from './random.js';
import { kubeletUa } from './system-traffic.js';
import { HOUR_US, humanActivity } from './timeline.js';

export function controller(t: ClusterTraffic, name: string): Actor & { reason: string } {
  return {
    user: { username: `system:serviceaccount:kube-system:${name}`, uid: namedUuid(`${t.profile.name}/serviceaccount/kube-system/${name}`), groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
    ip: t.profile.controllerManager.ip,
    ua: `${t.profile.controllerManager.ua}/system:serviceaccount:kube-system:${name}`,
    reason: `RBAC: allowed by ClusterRoleBinding "system:controller:${name}" of ClusterRole "system:controller:${name}" to ServiceAccount "${name}/kube-system"`,
  };
}

function registry(t: ClusterTraffic): string {
  switch (t.profile.provider) {
    case 'eks':
      return '111122223333.dkr.ecr.us-east-1.amazonaws.com';
    case 'gke':
      return 'europe-west1-docker.pkg.dev/acme-demo-prod/apps';
    case 'aks':
      return 'acmedemo.azurecr.io';
    default:
      return 'registry.corp.example:5000';
  }
}

/** CI applies a new image tag; the controllers replace the pods. */
export function rollout(t: ClusterTraffic, at: number, state: AppState, by: Actor & { reason?: string }): void {
  const { app } = state;
  const [maj, min] = state.tag.split('.');
  state.tag = `${maj}.${min}.${Number(state.tag.split('.')[2]) + 1}`;
  const image = `${registry(t)}/${app.image}:${state.tag}`;
  const created = t.week.startUs - 90 * 86_400e6;
  const meta = () => ({ name: app.name, namespace: app.namespace, uid: state.deploymentUid, resourceVersion: t.nextRv(), createdUs: created, labels: { app: app.name } });

  let now = at;
  const get = t.add({ at: now, verb: 'get', group: 'apps', resource: 'deployments', namespace: app.namespace, name: app.name, user: by.user, ip: by.ip, ua: by.ua, reason: by.reason, durationUs: t.latency('get') });
  now = t.after(get.completedUs, 20, 200);
  state.generation++;
  const patch = { spec: { template: { spec: { $setElementOrder_containers: [{ name: app.name }], containers: [{ image, name: app.name }] } } } };
  const patched = t.add({
    at: now, verb: 'patch', group: 'apps', resource: 'deployments', namespace: app.namespace, name: app.name, query: 'fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    user: by.user, ip: by.ip, ua: by.ua, reason: by.reason, body: patch,
    response: deployment(meta(), image, app.name, app.replicas, app.serviceAccount, state.generation), durationUs: t.latency('patch'),
  });

  const dc = controller(t, 'deployment-controller');
  const rc = controller(t, 'replicaset-controller');
  const oldPods = state.pods;
  const hash = t.podTemplateHash();
  const rsName = `${app.name}-${hash}`;
  const rsUid = t.id();
  now = t.after(patched.completedUs, 5, 60);
  const rs = replicaSet({ name: rsName, namespace: app.namespace, uid: rsUid, resourceVersion: t.nextRv(), createdUs: now, labels: { app: app.name, 'pod-template-hash': hash },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app.name, uid: state.deploymentUid, controller: true, blockOwnerDeletion: true }] }, image, app.name, app.replicas, app.serviceAccount);
  const rsCreate = t.add({ at: now, verb: 'create', group: 'apps', resource: 'replicasets', namespace: app.namespace, user: dc.user, ip: dc.ip, ua: dc.ua, reason: dc.reason, body: rs, response: rs, durationUs: t.latency('create') });
  t.add({ at: t.after(rsCreate.completedUs, 2, 30), verb: 'update', group: 'apps', resource: 'deployments', namespace: app.namespace, name: app.name, subresource: 'status',
    user: dc.user, ip: dc.ip, ua: dc.ua, reason: dc.reason, body: deployment(meta(), image, app.name, app.replicas, app.serviceAccount, state.generation),
    response: deployment(meta(), image, app.name, app.replicas, app.serviceAccount, state.generation), durationUs: t.latency('update') });

  const newPods: PodState[] = [];
  for (let i = 0; i < app.replicas; i++) {
    const p = t.newPod(`${rsName}-`);
    newPods.push(p);
    now = t.after(rsCreate.completedUs, 10 + i * 1500, 400 + i * 1500);
    const body = pod({ name: '', generateName: `${rsName}-`, namespace: app.namespace, uid: p.uid, resourceVersion: '', createdUs: now, labels: { app: app.name, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true, blockOwnerDeletion: true }] }, podSpec(image, app.name, app.serviceAccount));
    const bodyMeta = body.metadata as Record<string, unknown>;
    delete bodyMeta.name;
    delete bodyMeta.uid;
    delete bodyMeta.resourceVersion;
    const response = pod({ name: p.name, namespace: app.namespace, uid: p.uid, resourceVersion: t.nextRv(), createdUs: now, labels: { app: app.name, 'pod-template-hash': hash } }, podSpec(image, app.name, app.serviceAccount));
    const created = t.add({ at: now, verb: 'create', resource: 'pods', namespace: app.namespace, user: rc.user, ip: rc.ip, ua: rc.ua, reason: rc.reason, body, response,
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' }, durationUs: t.latency('create') });
    const binding = { kind: 'Binding', apiVersion: 'v1', metadata: { name: p.name, namespace: app.namespace, uid: p.uid }, target: { kind: 'Node', name: p.node } };
    const bound = t.add({ at: t.after(created.completedUs, 3, 40), verb: 'create', resource: 'pods', namespace: app.namespace, name: p.name, subresource: 'binding',
      user: t.profile.scheduler.user, ip: t.profile.scheduler.ip, ua: t.profile.scheduler.ua, body: binding, response: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"', durationUs: t.latency('create') });
    const node = t.profile.nodes.find((n) => n.name === p.node)!;
    t.add({ at: t.after(bound.completedUs, 1500, 6000), verb: 'patch', resource: 'pods', namespace: app.namespace, name: p.name, subresource: 'status',
      user: node.user, ip: node.ip, ua: kubeletUa(t), body: podStatusPatch(p.uid, 'Running', bound.completedUs, p.ip), durationUs: t.latency('patch') });
  }
  for (const [i, old] of oldPods.entries()) {
    t.add({ at: t.after(now, 8000 + i * 4000, 12000 + i * 4000), verb: 'delete', resource: 'pods', namespace: app.namespace, name: old.name,
      user: rc.user, ip: rc.ip, ua: rc.ua, reason: rc.reason, body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: old.uid } },
      response: { kind: 'Pod', apiVersion: 'v1', metadata: { name: old.name, namespace: app.namespace, uid: old.uid, deletionGracePeriodSeconds: 30 } }, durationUs: t.latency('delete') });
  }
  const es = controller(t, 'endpointslice-controller');
  const sliceName = `${app.name}-${t.rng.suffix(5)}`;
  for (let i = 0; i < 2; i++) {
    t.add({ at: t.after(now, 9000 + i * 9000, 15000 + i * 9000), verb: 'update', group: 'discovery.k8s.io', resource: 'endpointslices', namespace: app.namespace, name: sliceName,
      user: es.user, ip: es.ip, ua: es.ua, reason: es.reason,
      body: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { name: sliceName, namespace: app.namespace, labels: { 'kubernetes.io/service-name': app.name } }, addressType: 'IPv4',
        endpoints: (i === 0 ? [...oldPods, ...newPods] : newPods).map((p) => ({ addresses: [p.ip], conditions: { ready: true }, nodeName: p.node, targetRef: { kind: 'Pod', name: p.name, namespace: app.namespace, uid: p.uid } })),
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      durationUs: t.latency('update') });
  }
  // the pipeline waits for the rollout: `kubectl rollout status` watches the deployment until it is done
  t.add({ at: t.after(patched.completedUs, 300, 900), verb: 'watch', group: 'apps', resource: 'deployments', namespace: app.namespace,
    query: `fieldSelector=metadata.name%3D${app.name}&resourceVersion=${t.nextRv()}&watch=true`, user: by.user, ip: by.ip, ua: by.ua, reason: by.reason,
    durationUs: Math.max(now - patched.completedUs, 0) + t.rng.int(20, 40) * 1e6 });
  state.pods = newPods;
  state.history.push([now, newPods]);
  state.rsHash = hash;
  state.rsUid = rsUid;
}

/** The CI pipeline: a few deployments per working day, now and then one by a person. */
export function rollouts(t: ClusterTraffic): void {
  const ci = { ...t.profile.ci, reason: ciReason(t) };
  t.poisson(6, humanActivity, (at) => {
    const state = t.rng.pick(t.apps);
    if (t.rng.chance(0.06)) {
      // `kubectl create -f` of something that exists: 409, then the pipeline falls back to apply
      t.add({ at, verb: 'create', group: 'apps', resource: 'deployments', namespace: state.app.namespace, user: ci.user, ip: ci.ip, ua: ci.ua, reason: ci.reason,
        body: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: state.app.name, namespace: state.app.namespace } }, code: 409, durationUs: t.latency('create') });
      at = t.after(at, 1500, 4000);
    }
    rollout(t, at, state, ci);
  });
}

export function ciReason(t: ClusterTraffic): string {
  const u = t.profile.ci.user.username;
  if (u.startsWith('system:serviceaccount:')) {
    const [, , ns, name] = u.split(':');
    return `RBAC: allowed by ClusterRoleBinding "ci-deployer" of ClusterRole "edit" to ServiceAccount "${name}/${ns}"`;
  }
  return t.profile.provider === 'eks'
    ? 'RBAC: allowed by ClusterRoleBinding "ci-deployers" of ClusterRole "edit" to Group "ci:deployers"'
    : `RBAC: allowed by ClusterRoleBinding "ci-deployer" of ClusterRole "edit" to User "${u}"`;
}

/** ops/db-backup runs hourly: CronJob controller -> Job -> Pod -> done -> cleaned up by TTL. */
export function backupCronJob(t: ClusterTraffic): void {
  const cj = controller(t, 'cronjob-controller');
  const jc = controller(t, 'job-controller');
  const ttl = controller(t, 'ttl-after-finished-controller');
  const image = `${registry(t)}/db-backup:2.4.1`;
  const cronUid = t.id();
  for (let h = Math.ceil(t.week.startUs / HOUR_US) * HOUR_US; h < t.week.endUs; h += HOUR_US) {
    const at = h + t.rng.int(20_000, 900_000);
    const minute = Math.floor(at / 60e6);
    const name = `db-backup-${minute}`;
    const uid = t.id();
    const body = job({ name, namespace: 'ops', uid, resourceVersion: '', createdUs: at, labels: { 'batch.kubernetes.io/controller-uid': uid },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'db-backup', uid: cronUid, controller: true, blockOwnerDeletion: true }] }, image, 'db-backup');
    const created = t.add({ at, verb: 'create', group: 'batch', resource: 'jobs', namespace: 'ops', user: cj.user, ip: cj.ip, ua: cj.ua, reason: cj.reason, body, response: body, durationUs: t.latency('create') });
    const p = t.newPod(`${name}-`);
    const podBody = pod({ name: p.name, namespace: 'ops', uid: p.uid, resourceVersion: t.nextRv(), createdUs: created.completedUs, labels: { 'job-name': name } }, { ...podSpec(image, 'db-backup', 'default'), restartPolicy: 'OnFailure' });
    const pc = t.add({ at: t.after(created.completedUs, 5, 80), verb: 'create', resource: 'pods', namespace: 'ops', user: jc.user, ip: jc.ip, ua: jc.ua, reason: jc.reason, body: podBody, response: podBody,
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' }, durationUs: t.latency('create') });
    const bound = t.add({ at: t.after(pc.completedUs, 3, 40), verb: 'create', resource: 'pods', namespace: 'ops', name: p.name, subresource: 'binding',
      user: t.profile.scheduler.user, ip: t.profile.scheduler.ip, ua: t.profile.scheduler.ua,
      body: { kind: 'Binding', apiVersion: 'v1', metadata: { name: p.name, namespace: 'ops', uid: p.uid }, target: { kind: 'Node', name: p.node } },
      response: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"', durationUs: t.latency('create') });
    const node = t.profile.nodes.find((n) => n.name === p.node)!;
    const running = t.add({ at: t.after(bound.completedUs, 2000, 7000), verb: 'patch', resource: 'pods', namespace: 'ops', name: p.name, subresource: 'status',
      user: node.user, ip: node.ip, ua: kubeletUa(t), body: podStatusPatch(p.uid, 'Running', bound.completedUs, p.ip), durationUs: t.latency('patch') });
    const done = t.add({ at: t.after(running.completedUs, 60_000, 240_000), verb: 'patch', resource: 'pods', namespace: 'ops', name: p.name, subresource: 'status',
      user: node.user, ip: node.ip, ua: kubeletUa(t), body: podStatusPatch(p.uid, 'Succeeded', running.completedUs), durationUs: t.latency('patch') });
    t.add({ at: t.after(done.completedUs, 200, 2000), verb: 'update', group: 'batch', resource: 'jobs', namespace: 'ops', name, subresource: 'status',
      user: jc.user, ip: jc.ip, ua: jc.ua, reason: jc.reason, body: { ...body, status: { succeeded: 1, completionTime: new Date(done.completedUs / 1000).toISOString() } },
      response: { ...body, status: { succeeded: 1 } }, durationUs: t.latency('update') });
    // TTL of 1 h: the job of the previous run is deleted
    t.add({ at: t.after(done.completedUs + HOUR_US, 0, 5000), verb: 'delete', group: 'batch', resource: 'jobs', namespace: 'ops', name,
      user: ttl.user, ip: ttl.ip, ua: ttl.ua, reason: ttl.reason, body: { kind: 'DeleteOptions', apiVersion: 'batch/v1', propagationPolicy: 'Foreground' },
      response: { ...body, metadata: { ...(body.metadata as object), deletionTimestamp: new Date((done.completedUs + HOUR_US) / 1000).toISOString() } }, durationUs: t.latency('delete') });
  }
}
