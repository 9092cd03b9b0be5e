/** What the pipeline reports while it runs; the CLI shows it as bars on a terminal, or not at all. */
import type { LandCounts } from '../store/land.js';
import type { ClusterResult } from './pull-cluster.js';

export interface Progress {
  start(cluster: string): void;
  update(cluster: string, counts: LandCounts): void;
  finish(cluster: string, result: ClusterResult): void;
  stop(): void;
}
