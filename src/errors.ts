/**
 * The small vocabulary of failures kubetrail reports. Each class maps to an exit code in cli/exit-codes.ts;
 * anything else that escapes is a bug and is reported as one.
 */

/** The job file or the command line is wrong: names the file, the place in it, and what is expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  - ${problems.join('\n  - ')}` : message);
  }
}

/** A cluster's source failed (network, permissions, quota exhausted after retries). Other clusters go on. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly cluster: string,
    readonly provider: string,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(`${cluster} (${provider}): ${message}`, options);
  }
}

/** An input file (or an argument naming one) cannot be used: names the path and what to do. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** The database cannot be used (locked by another writer, newer schema, corrupt). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Text of any thrown value, without a stack: for messages to people. */
export function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && !err.message.includes(err.cause.message) ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/**
 * A folder kubetrail needs (the database's, the staging area) cannot be created: a StoreError naming the
 * folder, why, and the job-file setting that moves it.
 */
export function folderError(dir: string, what: string, setting: string, err: unknown): StoreError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? 'a part of that path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (run as a user who may write there)'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : describe(err);
  return new StoreError(`cannot create the folder ${dir} for ${what}: ${why}${code ? ` (${code})` : ''}. Fix the path or set \`${setting}\` in the job file to a folder kubetrail can write.`, { cause: err });
}
