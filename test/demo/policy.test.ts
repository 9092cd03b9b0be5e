/**
 * The demo's audit policies and request builder against what the providers and Kubernetes document
 * (shared/reference/provider-facts.md §1.4, §2.3, §3.4, §4): the dataset is only as honest as these.
 */
import { describe, expect, it } from 'vitest';
import { aksAdminOnly, aksPolicy, eksPolicy, onpremPolicy, referencePolicy } from '../../src/demo/policy.js';
import { call, nonResourceCall, toEvents, type Call } from '../../src/demo/request.js';
import { toLogEntry } from '../../src/demo/write-gke.js';
import { Random } from '../../src/demo/random.js';

const user = { username: 'jane', groups: ['system:authenticated'] };
const req = (c: Partial<Call> & Pick<Call, 'verb' | 'resource'>) => call({ auditID: 'a', at: 1_794_441_600_000_000, user, ip: '198.51.100.1', ua: 'kubectl/v1.31.2', ...c });

describe('demo audit policies', () => {
  it('reference policy (EKS, GKE): events dropped, secrets/configmaps/token at Metadata, reads at Request, writes at RequestResponse', () => {
    expect(referencePolicy(req({ verb: 'delete', resource: 'events', namespace: 'kube-system', name: 'x' })).level).toBe('None');
    expect(referencePolicy(req({ verb: 'get', resource: 'secrets', namespace: 'a', name: 'x' })).level).toBe('Metadata');
    expect(referencePolicy(req({ verb: 'update', resource: 'configmaps', namespace: 'a', name: 'x' })).level).toBe('Metadata');
    expect(referencePolicy(req({ verb: 'create', resource: 'serviceaccounts', namespace: 'a', name: 'x', subresource: 'token' })).level).toBe('Metadata');
    expect(referencePolicy(req({ verb: 'list', resource: 'pods', namespace: 'a' })).level).toBe('Request');
    expect(referencePolicy(req({ verb: 'create', resource: 'pods', namespace: 'a' })).level).toBe('RequestResponse');
    expect(referencePolicy(req({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' })).level).toBe('RequestResponse');
    expect(referencePolicy(nonResourceCall({ auditID: 'a', at: 0, path: '/healthz', user, ip: '1.2.3.4', ua: 'x' })).level).toBe('None');
    expect(referencePolicy(nonResourceCall({ auditID: 'a', at: 0, path: '/api', user, ip: '1.2.3.4', ua: 'x' })).level).toBe('Metadata');
    expect(referencePolicy(req({ verb: 'list', resource: 'pods' })).omitRequestReceived).toBe(true);
  });

  it('EKS adds aws-auth writes at RequestResponse, reads of it stay at Metadata', () => {
    const awsAuth = (verb: 'update' | 'get') => req({ verb, resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' });
    expect(eksPolicy(awsAuth('update')).level).toBe('RequestResponse');
    expect(referencePolicy(awsAuth('update')).level).toBe('Metadata');
    expect(eksPolicy(awsAuth('get')).level).toBe('Metadata');
  });

  it('AKS: aksService reads dropped, events delete at Metadata, serviceaccounts at Metadata; kube-audit-admin has no get or list', () => {
    const aks = { username: 'aksService', groups: ['system:masters', 'system:authenticated'] };
    expect(aksPolicy(req({ verb: 'list', resource: 'pods', user: aks })).level).toBe('None');
    expect(aksPolicy(req({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'kube-system', name: 'coredns', user: aks })).level).toBe('RequestResponse');
    expect(aksPolicy(req({ verb: 'delete', resource: 'events', namespace: 'shop', name: 'x' })).level).toBe('Metadata');
    expect(aksPolicy(req({ verb: 'create', resource: 'serviceaccounts', namespace: 'shop' })).level).toBe('Metadata');
    expect(aksAdminOnly(req({ verb: 'get', resource: 'pods', namespace: 'a', name: 'x' })).level).toBe('None');
    expect(aksAdminOnly(req({ verb: 'list', resource: 'pods', namespace: 'a' })).level).toBe('None');
    expect(aksAdminOnly(req({ verb: 'get', resource: 'pods', namespace: 'a', name: 'x', subresource: 'exec', query: 'command=sh' })).level).toBe('None');
    expect(aksAdminOnly(req({ verb: 'watch', resource: 'pods', query: 'watch=true' })).level).toBe('Request');
  });

  it('self-hosted: CI writes with bodies and every stage, exec with every stage, events delete at Metadata', () => {
    const ci = { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'] };
    expect(onpremPolicy(req({ verb: 'create', resource: 'secrets', namespace: 'payments', user: ci }))).toEqual({ level: 'RequestResponse', omitRequestReceived: false });
    expect(onpremPolicy(req({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'x', user: ci })).level).toBe('Metadata');
    expect(onpremPolicy(req({ verb: 'get', resource: 'pods', namespace: 'a', name: 'p', subresource: 'exec', query: 'command=sh' }))).toEqual({ level: 'Request', omitRequestReceived: false });
    expect(onpremPolicy(req({ verb: 'delete', resource: 'events', namespace: 'a', name: 'e' })).level).toBe('Metadata');
    expect(onpremPolicy(req({ verb: 'create', resource: 'events', namespace: 'a' })).level).toBe('None');
  });
});

describe('demo requests', () => {
  it('agree with themselves: verb, path, query, objectRef, code and annotations', () => {
    const exec = req({ verb: 'get', resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'exec', query: 'command=sh&stdin=true', durationUs: 5e6 });
    expect(exec.requestURI).toBe('/api/v1/namespaces/shop/pods/web-1/exec?command=sh&stdin=true');
    expect(exec.objectRef).toEqual({ resource: 'pods', namespace: 'shop', name: 'web-1', apiVersion: 'v1', subresource: 'exec' });
    expect(exec.responseStatus.code).toBe(101);
    expect(toEvents(exec, { level: 'Request', omitRequestReceived: true }).map((e) => e.stage)).toEqual(['ResponseStarted', 'ResponseComplete']);

    const list = req({ verb: 'list', resource: 'secrets', query: 'limit=500' });
    expect(list.requestURI).toBe('/api/v1/secrets?limit=500');
    expect(list.objectRef).toEqual({ resource: 'secrets', apiVersion: 'v1' });

    const crb = req({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', body: { metadata: { name: 'b' } } });
    expect(crb.requestURI).toBe('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings');
    expect(crb.objectRef).toEqual({ resource: 'clusterrolebindings', name: 'b', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' });
    expect(crb.responseStatus.code).toBe(201);

    const denied = req({ verb: 'list', resource: 'secrets', namespace: 'kube-system', code: 403, user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } });
    expect(denied.annotations['authorization.k8s.io/decision']).toBe('forbid');
    expect(denied.responseStatus).toMatchObject({ status: 'Failure', reason: 'Forbidden', code: 403,
      message: 'secrets is forbidden: User "system:anonymous" cannot list resource "secrets" in API group "" in the namespace "kube-system"' });
    const [only] = toEvents(denied, { level: 'Metadata', omitRequestReceived: true });
    expect(only!.stage).toBe('ResponseComplete');
    expect(only!.requestObject).toBeUndefined();
  });

  it('re-encode for GKE as Cloud Logging does: methodName, resourceName, rpc status, decision label, operation', () => {
    const r = req({ verb: 'get', resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'exec', query: 'command=sh', durationUs: 5e6 });
    const [started, done] = toEvents(r, { level: 'Request', omitRequestReceived: true });
    const a = toLogEntry(started!, new Random('t'), 6e6) as any;
    const b = toLogEntry(done!, new Random('t'), 6e6) as any;
    expect(a.protoPayload.methodName).toBe('io.k8s.core.v1.pods.exec.get');
    expect(a.protoPayload.resourceName).toBe('core/v1/namespaces/shop/pods/web-1/exec');
    expect(a.operation).toEqual({ first: true, id: 'a', producer: 'k8s.io' });
    expect(b.operation).toEqual({ id: 'a', last: true, producer: 'k8s.io' });
    expect(b.logName).toBe('projects/acme-demo-prod/logs/cloudaudit.googleapis.com%2Fdata_access');
    const crb = req({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', body: { kind: 'ClusterRoleBinding', metadata: { name: 'b' } }, code: 403 });
    const [e] = toEvents(crb, { level: 'RequestResponse', omitRequestReceived: true });
    const entry = toLogEntry(e!, new Random('t'), 6e6) as any;
    expect(entry.protoPayload.methodName).toBe('io.k8s.authorization.rbac.v1.clusterrolebindings.create');
    expect(entry.protoPayload.resourceName).toBe('rbac.authorization.k8s.io/v1/clusterrolebindings/b');
    expect(entry.protoPayload.status).toEqual({ code: 7, message: 'PERMISSION_DENIED' });
    expect(entry.protoPayload.authorizationInfo[0].granted).toBeUndefined();
    expect(entry.labels['authorization.k8s.io/decision']).toBe('forbid');
    expect(entry.protoPayload.request['@type']).toBe('rbac.authorization.k8s.io/v1.ClusterRoleBinding');
    expect(entry.logName).toBe('projects/acme-demo-prod/logs/cloudaudit.googleapis.com%2Factivity');
    expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(entry.receiveTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });
});
