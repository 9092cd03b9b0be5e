import { describe, expect, it } from 'vitest';
import { aksCluster } from './aks.js';
import { eksCluster } from './eks.js';

const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('endpoint overrides', () => {
  it('EKS: a host:port without a scheme is refused with an example, http and https are taken', () => {
    const base = { name: 'prod', provider: 'eks', region: 'eu-west-1', cluster: 'prod' };
    expect(messages(eksCluster.safeParse({ ...base, endpoint: 'localhost:4566' }))).toEqual([
      'endpoint: must be an http:// or https:// URL, e.g. https://logs.eu-west-1.amazonaws.com',
    ]);
    expect(eksCluster.safeParse({ ...base, endpoint: 'http://127.0.0.1:4566', stsEndpoint: 'https://sts.eu-west-1.amazonaws.com' }).success).toBe(true);
  });

  it('AKS: plain http is refused (bearer tokens travel only over TLS)', () => {
    const base = { name: 'aks', provider: 'aks', workspaceId: '11111111-2222-4333-8444-555555555555', resourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/c' };
    expect(messages(aksCluster.safeParse({ ...base, endpoint: 'http://127.0.0.1:8443/v1', armEndpoint: 'http://127.0.0.1:8443' }))).toEqual([
      'endpoint: must be an https:// URL (the Azure SDKs send bearer tokens only over TLS; for a test double use caFile)',
      'armEndpoint: must be an https:// URL (the Azure SDKs send bearer tokens only over TLS; for a test double use caFile)',
    ]);
    expect(aksCluster.safeParse({ ...base, endpoint: 'https://127.0.0.1:8443/v1' }).success).toBe(true);
  });
});
