/** Progress bars on a terminal (cli-progress); nothing otherwise (the JSON logs say it all). */
import cliProgress from 'cli-progress';
import type { Logger } from '../log.js';
import type { Progress } from '../pipeline/progress.js';

export function createProgress(log: Logger): Progress {
  if (!process.stderr.isTTY || process.env.CI) {
    return {
      start: (c) => log.info({ cluster: c }, 'pull started'),
      update: () => undefined,
      finish: (c, r) =>
        log.info(
          { cluster: c, status: r.status, records: r.counts.records, landed: r.counts.landed, duplicates: r.counts.duplicates, quarantined: r.counts.quarantined, seconds: Number(r.seconds.toFixed(1)) },
          r.status === 'ok' ? 'pull finished' : `pull failed: ${r.error}`,
        ),
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {cluster} | {state} | {records} records, {landed} new, {duplicates} already landed, {quarantined} quarantined',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  let stopped = false;
  return {
    start(cluster) {
      bars.set(cluster, multi.create(1, 0, { cluster: cluster.padEnd(16), state: 'pulling', records: 0, landed: 0, duplicates: 0, quarantined: 0 }));
    },
    update(cluster, c) {
      bars.get(cluster)?.update(0, { records: c.records, landed: c.landed, duplicates: c.duplicates, quarantined: c.quarantined });
    },
    finish(cluster, r) {
      bars.get(cluster)?.update(1, {
        state: r.status === 'ok' ? 'done   ' : 'FAILED ',
        records: r.counts.records,
        landed: r.counts.landed,
        duplicates: r.counts.duplicates,
        quarantined: r.counts.quarantined,
      });
    },
    stop() {
      if (!stopped) multi.stop();
      stopped = true;
    },
  };
}
