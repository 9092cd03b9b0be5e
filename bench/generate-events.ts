/**
 * Realistic raw audit events for benchmarks: the mix a managed-policy cluster produces (mostly Metadata
 * and Request level reads by controllers and kubelets, some RequestResponse writes with bodies), ~1.2 KB
 * on average, written as JSON lines. Deterministic for a given seed.
 */
import { createWriteStream } from 'node:fs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['get', 'get', 'list', 'watch', 'get', 'update', 'patch', 'create', 'delete', 'get'] as const;
const RESOURCES = [
  ['', 'pods'], ['', 'configmaps'], ['', 'secrets'], ['coordination.k8s.io', 'leases'], ['apps', 'deployments'],
  ['', 'nodes'], ['', 'services'], ['', 'endpoints'], ['apps', 'replicasets'], ['', 'serviceaccounts'],
] as const;

export async function writeEvents(path: string, n: number, opts: { seed?: number; start?: Date; stepMs?: number } = {}): Promise<number> {
  const rand = rng(opts.seed ?? 1);
  const start = (opts.start ?? new Date('2026-11-01T00:00:00Z')).getTime();
  const step = opts.stepMs ?? 50;
  const out = createWriteStream(path);
  let bytes = 0;
  let buf: string[] = [];
  for (let i = 0; i < n; i++) {
    const verb = VERBS[Math.floor(rand() * VERBS.length)]!;
    const [group, resource] = RESOURCES[Math.floor(rand() * RESOURCES.length)]!;
    const ns = `ns-${Math.floor(rand() * 40)}`;
    const name = `${resource.slice(0, -1)}-${Math.floor(rand() * 5000)}`;
    const sa = `sa-${Math.floor(rand() * 60)}`;
    const t = new Date(start + i * step);
    const ts = t.toISOString().replace('Z', `${String(i % 1000).padStart(3, '0')}Z`);
    const write = verb === 'create' || verb === 'update' || verb === 'patch';
    const level = resource === 'secrets' || resource === 'configmaps' ? 'Metadata' : write ? 'RequestResponse' : 'Request';
    const path0 = group ? `/apis/${group}/v1` : '/api/v1';
    const uri = verb === 'list' || verb === 'watch' ? `${path0}/namespaces/${ns}/${resource}?limit=500${verb === 'watch' ? '&watch=true' : ''}` : `${path0}/namespaces/${ns}/${resource}/${name}`;
    const e: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: `${(Math.floor(rand() * 0xffffffff)).toString(16).padStart(8, '0')}-${(i >>> 16).toString(16).padStart(4, '0')}-4${(i & 0xfff).toString(16).padStart(3, '0')}-8000-${i.toString(16).padStart(12, '0')}`,
      stage: 'ResponseComplete',
      requestURI: uri,
      verb,
      user: {
        username: `system:serviceaccount:${ns}:${sa}`,
        uid: '4f1e2d3c-0000-4000-8000-00000000abcd',
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/credential-id': ['JTI=8b5b3b6e-5c3a-4bbd-9a55-0f1e2d3c4b5a'],
          'authentication.kubernetes.io/node-name': [`ip-10-0-${i % 250}-${i % 7}.ec2.internal`],
          'authentication.kubernetes.io/pod-name': [`${sa}-7d9f8c6b5-${(i % 99999).toString(36)}`],
          'authentication.kubernetes.io/pod-uid': ['1f2e3d4c-aaaa-4bbb-8ccc-ddddeeeeffff'],
        },
      },
      sourceIPs: [`10.0.${i % 250}.${(i * 7) % 250}`],
      userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:generic-garbage-collector',
      objectRef: { resource, namespace: ns, ...(verb === 'list' || verb === 'watch' ? {} : { name }), apiGroup: group, apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: verb === 'create' ? 201 : rand() < 0.02 ? 404 : 200 },
      requestReceivedTimestamp: ts,
      stageTimestamp: ts,
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason': `RBAC: allowed by ClusterRoleBinding "system:controller:${sa}" of ClusterRole "system:controller:${sa}" to ServiceAccount "${sa}/kube-system"`,
      },
    };
    if (level === 'RequestResponse') {
      const obj = { kind: resource === 'pods' ? 'Pod' : 'Object', apiVersion: 'v1', metadata: { name, namespace: ns, labels: { app: sa, tier: 'backend' }, resourceVersion: String(i) }, spec: { replicas: 2, selector: { matchLabels: { app: sa } } } };
      e.requestObject = obj;
      e.responseObject = { ...obj, status: { observedGeneration: 3 } };
    }
    buf.push(JSON.stringify(e));
    if (buf.length === 5000) {
      const chunk = buf.join('\n') + '\n';
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = [];
    }
  }
  if (buf.length) {
    const chunk = buf.join('\n') + '\n';
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}
