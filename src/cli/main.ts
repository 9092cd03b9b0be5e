/**
 * kubetrail's command line: parse argv, dispatch to a command, return its exit code. The verbs are the
 * contract in design.md; each lives in commands/<verb>.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { LOG_LEVELS, createLogger, type Logger } from '../log.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { registerImport } from './commands/import.js';
import { registerPull } from './commands/pull.js';
import { registerRun } from './commands/run.js';
import { registerSql } from './commands/sql.js';
import { registerDetect } from './commands/detect.js';
import { registerCoverage } from './commands/coverage.js';
import { registerReport } from './commands/report.js';
import { registerRules } from './commands/rules.js';
import { registerValidate } from './commands/validate.js';
import { registerDemo } from './commands/demo.js';

/** A command's action stores its exit code here (commander actions cannot return one). */
export interface ExitBox {
  code: ExitCode;
}

export function buildProgram(box: ExitBox): Command {
  const program = new Command('kubetrail')
    .description('Kubernetes audit logs from EKS, GKE, AKS and files into DuckDB: detections, coverage gaps, reports.')
    .version(VERSION)
    // No default here: without the flag, createLogger takes KUBETRAIL_LOG_LEVEL (the CronJob sets it), then info.
    .addOption(new Option('--log-level <level>', 'log level (default: $KUBETRAIL_LOG_LEVEL, else info)').choices(LOG_LEVELS))
    .showHelpAfterError('(run kubetrail --help for usage)')
    .exitOverride();
  const set = (code: ExitCode) => {
    box.code = code;
  };
  registerRun(program, set);
  registerPull(program, set);
  registerImport(program, set);
  registerDetect(program, set);
  registerCoverage(program, set);
  registerReport(program, set);
  registerSql(program, set);
  registerRules(program, set);
  registerValidate(program, set);
  registerDemo(program, set);
  return program;
}

/**
 * Process warnings (the AWS SDK's multi-line NodeVersionSupportWarning on Node 20, deprecations) go through
 * the logger like every other line: Node's own printer would drop raw text into the JSON-lines stream.
 */
export function routeProcessWarnings(level: () => string | undefined): void {
  for (const listener of process.listeners('warning')) process.off('warning', listener); // Node's printer
  let log: Logger | undefined;
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.name === 'DeprecationWarning' && process.noDeprecation) return;
    if (!log) {
      try {
        log = createLogger({ level: level() });
      } catch {
        log = createLogger({ level: 'info' }); // a bad KUBETRAIL_LOG_LEVEL is reported by the command itself
      }
    }
    log.warn({ warning: warning.name, ...(warning.code ? { code: warning.code } : {}) }, warning.message);
  });
}

export async function main(argv: string[]): Promise<ExitCode> {
  const box: ExitBox = { code: EXIT.ok };
  const program = buildProgram(box);
  routeProcessWarnings(() => program.opts<{ logLevel?: string }>().logLevel);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with commander's message already printed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  return box.code;
}

export type SetExit = (code: ExitCode) => void;
