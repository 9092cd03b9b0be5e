/**
 * Which Source serves which `provider`. The pipeline asks here; each provider module exports a factory.
 * Sources that share a provider quota get it from `shared.quotas` by scope.
 */
import type { ClusterConfig } from '../config/job-file.js';
import { aksSource } from './aks/aks-source.js';
import { filesSource } from './files/files-source.js';
import { gkeSource } from './gke/gke-source.js';
import type { QuotaRegistry } from './quota.js';
import type { Source } from './types.js';

export interface SharedResources {
  quotas: QuotaRegistry;
}

type Factory<P extends ClusterConfig['provider']> = (cluster: Extract<ClusterConfig, { provider: P }>, shared: SharedResources) => Source;

const notYet = (provider: string) => (): Source => {
  throw new Error(`provider ${provider} is not available in this build`);
};

export const SOURCES: { [P in ClusterConfig['provider']]: Factory<P> } = {
  files: (cluster) => filesSource({ paths: cluster.paths, mode: 'pull' }),
  eks: notYet('eks'),
  gke: (cluster, shared) => gkeSource(cluster, shared),
  aks: (cluster, shared) => aksSource(cluster, shared),
};

export function createSource(cluster: ClusterConfig, shared: SharedResources): Source {
  const factory = SOURCES[cluster.provider] as Factory<typeof cluster.provider>;
  return factory(cluster as never, shared);
}
