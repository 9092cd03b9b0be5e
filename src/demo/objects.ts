/**
 * Kubernetes objects as they appear in request and response bodies, trimmed to the fields that matter
 * for investigation (no managedFields), so that the dataset stays small.
 */
import { isoMicros } from './timeline.js';

type Obj = Record<string, unknown>;

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  createdUs: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Obj[];
  generateName?: string;
}

export function metadata(m: Meta): Obj {
  const o: Obj = { name: m.name };
  if (m.generateName) o.generateName = m.generateName;
  if (m.namespace !== undefined) o.namespace = m.namespace;
  o.uid = m.uid;
  o.resourceVersion = m.resourceVersion;
  o.creationTimestamp = isoMicros(m.createdUs).slice(0, 19) + 'Z';
  if (m.labels) o.labels = m.labels;
  if (m.annotations) o.annotations = m.annotations;
  if (m.ownerReferences) o.ownerReferences = m.ownerReferences;
  return o;
}

export function lease(m: Meta, holder: string, renewUs: number, durationSeconds: number): Obj {
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: metadata(m),
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: durationSeconds,
      acquireTime: isoMicros(m.createdUs),
      renewTime: isoMicros(renewUs),
      leaseTransitions: 3,
    },
  };
}

export function container(name: string, image: string, extra: Obj = {}): Obj {
  return {
    name,
    image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { limits: { memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } },
    imagePullPolicy: 'IfNotPresent',
    ...extra,
  };
}

export function podSpec(image: string, app: string, serviceAccount: string, nodeName?: string): Obj {
  const spec: Obj = {
    containers: [container(app, image, { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true } })],
    restartPolicy: 'Always',
    serviceAccountName: serviceAccount,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  };
  if (nodeName) spec.nodeName = nodeName;
  return spec;
}

export function pod(m: Meta, spec: Obj, phase?: string): Obj {
  const o: Obj = { kind: 'Pod', apiVersion: 'v1', metadata: metadata(m), spec };
  o.status = phase ? { phase } : { phase: 'Pending', qosClass: 'Burstable' };
  return o;
}

export function deployment(m: Meta, image: string, app: string, replicas: number, serviceAccount: string, generation: number): Obj {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { ...metadata(m), generation },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: podSpec(image, app, serviceAccount) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    status: { observedGeneration: generation - 1, replicas, updatedReplicas: 0, readyReplicas: replicas, availableReplicas: replicas },
  };
}

export function replicaSet(m: Meta, image: string, app: string, replicas: number, serviceAccount: string): Obj {
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: metadata(m),
    spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: podSpec(image, app, serviceAccount) } },
    status: { replicas: 0 },
  };
}

export function job(m: Meta, image: string, app: string): Obj {
  return {
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: metadata(m),
    spec: {
      backoffLimit: 2,
      ttlSecondsAfterFinished: 3600,
      template: { metadata: { labels: { 'job-name': m.name } }, spec: { ...podSpec(image, app, 'default'), restartPolicy: 'OnFailure' } },
    },
    status: {},
  };
}

export function tokenRequest(audience: string, expirationSeconds: number, pod?: { name: string; uid: string }): Obj {
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: {
      audiences: [audience],
      expirationSeconds,
      ...(pod ? { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.name, uid: pod.uid } } : {}),
    },
    status: { token: '', expirationTimestamp: null },
  };
}

export function nodeStatusPatch(nowUs: number): Obj {
  const t = isoMicros(nowUs).slice(0, 19) + 'Z';
  return {
    status: {
      $setElementOrder_conditions: [{ type: 'MemoryPressure' }, { type: 'DiskPressure' }, { type: 'PIDPressure' }, { type: 'Ready' }],
      conditions: [
        { lastHeartbeatTime: t, type: 'MemoryPressure' },
        { lastHeartbeatTime: t, type: 'DiskPressure' },
        { lastHeartbeatTime: t, type: 'PIDPressure' },
        { lastHeartbeatTime: t, type: 'Ready' },
      ],
    },
  };
}

export function podStatusPatch(uid: string, phase: string, nowUs: number, podIp?: string): Obj {
  const t = isoMicros(nowUs).slice(0, 19) + 'Z';
  const ready = phase === 'Running' ? 'True' : 'False';
  return {
    metadata: { uid },
    status: {
      conditions: [{ lastTransitionTime: t, status: ready, type: 'Ready' }],
      phase,
      ...(podIp ? { podIP: podIp, podIPs: [{ ip: podIp }] } : {}),
    },
  };
}
