/**
 * Logging: JSON lines (pino) when stderr is not a terminal, so cron and Kubernetes collect structured
 * logs; short human lines on a terminal, where the progress display is the main output.
 */
import { pino } from 'pino';
import { ConfigError } from './errors.js';

export type Logger = pino.Logger;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const fromEnv = process.env.KUBETRAIL_LOG_LEVEL || undefined;
  if (!opts.level && fromEnv && !LOG_LEVELS.includes(fromEnv)) {
    throw new ConfigError(`KUBETRAIL_LOG_LEVEL="${fromEnv}": use one of ${LOG_LEVELS.join(', ')}`);
  }
  const level = opts.level ?? fromEnv ?? 'info';
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
