/**
 * Logging: JSON lines (pino) when stderr is not a terminal, so cron and Kubernetes collect structured
 * logs; short human lines on a terminal, where the progress display is the main output.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.KUBETRAIL_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? process.stderr.isTTY;
  if (!pretty) return pino({ level, base: { app: 'kubetrail' } }, pino.destination(2));
  return pino(
    { level, base: undefined, timestamp: false },
    {
      write(line: string) {
        const o = JSON.parse(line) as Record<string, unknown>;
        const { level: lv, msg, ...rest } = o;
        const name = typeof lv === 'number' ? (pino.levels.labels[lv] ?? String(lv)) : String(lv);
        const extra = Object.keys(rest).length ? ' ' + Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
        process.stderr.write(`${name === 'info' ? '' : name + ': '}${String(msg)}${extra}\n`);
      },
    },
  );
}

/** A logger that drops everything (tests, library use). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
