/**
 * The platform exemption (scope.ts: is_platform) is an identity and a place: a kube-system service account,
 * a node or a control-plane component is the platform only from a private address or from the job file's
 * trusted_cidrs (system-identity-from-public-ip's parameter, one list for the whole library), or from an
 * address two of the cluster's nodes call from (cluster_addresses). Fixtures run
 * every detection with one set of parameters, so the trusted list is tested here, with the real job loader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { event, world, type World } from '../../test/helpers/detect-db.js';
import { silentLogger } from '../log.js';
import { library } from './library.js';
import { runDetections } from './run.js';

const ARGO = { username: 'system:serviceaccount:kube-system:argocd-manager', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] };

/** A kube-system service account creates a service account in kube-system from `ip`. */
const saCreate = (seed: string, ip: string, name: string) =>
  event(seed, '2026-03-02T23:08:12Z', {
    verb: 'create',
    user: ARGO,
    sourceIPs: [ip],
    objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', name },
    requestObject: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } },
    responseStatus: { code: 201 },
  });

const detect = (w: World) =>
  runDetections(w.db, w.job, {
    runId: 'd1',
    now: new Date('2026-03-04T00:00:00Z'),
    log: silentLogger(),
    library: library().filter((d) => ['serviceaccount-created-in-system-namespace', 'system-identity-from-public-ip'].includes(d.id)),
  });

let w: World | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

describe('the platform exemption', () => {
  it('holds for a kube-system service account calling from a private address, not from the internet', async () => {
    w = await world();
    await w.land('c1', [saCreate('pe-inside', '10.42.0.9', 'metrics-server'), saCreate('pe-outside', '203.0.113.77', 'cluster-maintenance')]);
    await detect(w);
    expect(await w.query(`SELECT detection_id, summary FROM findings ORDER BY 1`)).toEqual([
      { detection_id: 'serviceaccount-created-in-system-namespace', summary: 'system:serviceaccount:kube-system:argocd-manager created service account kube-system/cluster-maintenance' },
      { detection_id: 'system-identity-from-public-ip', summary: 'system:serviceaccount:kube-system:argocd-manager used from 203.0.113.77 (create serviceaccounts kube-system/cluster-maintenance)' },
    ]);
  });

  it('holds from the ranges in system-identity-from-public-ip trusted_cidrs, and only those', async () => {
    w = await world(`detect:\n  parameters:\n    system-identity-from-public-ip: {trusted_cidrs: [198.51.100.0/28, "2001:db8::/32"]}\n`);
    await w.land('c1', [
      saCreate('pe-nat', '198.51.100.6', 'metrics-server'),
      saCreate('pe-nat6', '2001:db8:5::1', 'autoscaler'),
      saCreate('pe-next', '198.51.100.16', 'cluster-maintenance'),
    ]);
    await detect(w);
    expect(await w.query(`SELECT detection_id, group_key FROM findings ORDER BY 1`)).toEqual([
      { detection_id: 'serviceaccount-created-in-system-namespace', group_key: 'kube-system/cluster-maintenance' },
      { detection_id: 'system-identity-from-public-ip', group_key: 'system:serviceaccount:kube-system:argocd-manager 198.51.100.16' },
    ]);
  });

  it('holds from an address two of the cluster\'s nodes call from (its NAT), not from one only one node uses', async () => {
    w = await world();
    const node = (seed: string, name: string, ip: string) =>
      event(seed, '2026-03-02T23:00:00Z', { verb: 'get', user: { username: `system:node:${name}`, groups: ['system:nodes'] }, sourceIPs: [ip], objectRef: { resource: 'nodes', name } });
    await w.land('c1', [
      node('pe-n1', 'aks-np-0', '20.61.14.7'),
      node('pe-n2', 'aks-np-1', '20.61.14.7'),
      node('pe-n3', 'aks-np-2', '20.61.14.9'),
      saCreate('pe-nat', '20.61.14.7', 'metrics-server'),
      saCreate('pe-one', '20.61.14.9', 'cluster-maintenance'),
    ]);
    await detect(w);
    expect(await w.query(`SELECT detection_id, group_key FROM findings ORDER BY 1, 2`)).toEqual([
      { detection_id: 'serviceaccount-created-in-system-namespace', group_key: 'kube-system/cluster-maintenance' },
      { detection_id: 'system-identity-from-public-ip', group_key: 'system:node:aks-np-2 20.61.14.9' },
      { detection_id: 'system-identity-from-public-ip', group_key: 'system:serviceaccount:kube-system:argocd-manager 20.61.14.9' },
    ]);
  });

  it('counts every address of a request: a private forwarded-for entry does not make an outside caller inside', async () => {
    w = await world();
    const spoofed = { ...saCreate('pe-xff', '10.0.0.1', 'cluster-maintenance'), sourceIPs: ['10.0.0.1', '203.0.113.77'] };
    await w.land('c1', [spoofed]);
    await detect(w);
    expect(await w.query(`SELECT detection_id FROM findings ORDER BY 1`)).toEqual([
      { detection_id: 'serviceaccount-created-in-system-namespace' },
      { detection_id: 'system-identity-from-public-ip' },
    ]);
  });

  it("keeps the cloud's managed identities exempt from their provider's public addresses", async () => {
    w = await world();
    const addon = event('pe-eks', '2026-03-02T10:00:00Z', {
      verb: 'create',
      user: { username: 'eks:addon-manager', groups: ['system:authenticated'] },
      sourceIPs: ['52.94.133.131'],
      objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', name: 'ebs-csi-controller-sa' },
      responseStatus: { code: 201 },
    });
    await w.land('c1', [addon]);
    await detect(w);
    // system-identity-from-public-ip still says where eks:* came from; the exemption elsewhere holds
    expect(await w.query(`SELECT detection_id FROM findings ORDER BY 1`)).toEqual([{ detection_id: 'system-identity-from-public-ip' }]);
  });
});
