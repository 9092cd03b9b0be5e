/** Land files in-process through the real pipeline (filesSource -> Lander -> normalise -> store). */
import { Database } from '../../src/store/database.js';
import { prepareStagingDir } from '../../src/pipeline/lander.js';
import { pullCluster, type ClusterResult } from '../../src/pipeline/pull-cluster.js';
import { filesSource } from '../../src/sources/files/files-source.js';
import { silentLogger } from '../../src/log.js';

export async function importFiles(
  dbPath: string,
  cluster: string,
  files: string[],
  opts: { provider?: string; runId?: string; checkpointBytes?: number; reread?: boolean; mode?: 'import' | 'pull' } = {},
): Promise<ClusterResult> {
  const db = await Database.open(dbPath, { memoryLimit: '512MB' });
  try {
    return await pullCluster(db, { name: cluster, provider: opts.provider ?? 'files' }, filesSource({ paths: files, mode: opts.mode ?? 'import', reread: opts.reread }), {
      runId: opts.runId ?? `test-${Date.now()}`,
      log: silentLogger(),
      stagingDir: prepareStagingDir(dbPath),
      checkpointBytes: opts.checkpointBytes,
      step: opts.mode === 'pull' ? 'pull' : 'import',
    });
  } finally {
    db.close();
  }
}
