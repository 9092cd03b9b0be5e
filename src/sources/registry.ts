/**
 * Which Source serves which `provider`. The pipeline asks here; each provider module exports a factory.
 * Provider modules are loaded when a cluster of theirs is pulled, not at start-up: the three clouds'
 * SDKs are large, and `kubetrail sql` or a files-only job should not wait for them.
 * Sources that share a provider quota get it from `shared.quotas` by scope.
 */
import type { ClusterConfig } from '../config/job-file.js';
import type { QuotaRegistry } from './quota.js';
import type { Source } from './types.js';

export interface SharedResources {
  quotas: QuotaRegistry;
}

type Factory<P extends ClusterConfig['provider']> = (cluster: Extract<ClusterConfig, { provider: P }>, shared: SharedResources) => Source;

export const SOURCES: { [P in ClusterConfig['provider']]: () => Promise<Factory<P>> } = {
  files: async () => {
    const { filesSource } = await import('./files/files-source.js');
    return (cluster) => filesSource({ paths: cluster.paths, mode: 'pull' });
  },
  eks: async () => (await import('./eks/eks-source.js')).eksSource,
  gke: async () => (await import('./gke/gke-source.js')).gkeSource,
  aks: async () => (await import('./aks/aks-source.js')).aksSource,
};

export async function createSource(cluster: ClusterConfig, shared: SharedResources): Promise<Source> {
  const factory = (await SOURCES[cluster.provider]()) as Factory<typeof cluster.provider>;
  return factory(cluster as never, shared);
}
