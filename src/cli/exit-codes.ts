/**
 * Exit codes are part of the contract (cron, CronJob alerting and scripts branch on them).
 * When several apply, the most urgent wins: a fatal error or bad usage ends the run at once; otherwise
 * findings at or above --fail-on (4) win over a partial failure (3), because a finding must page
 * someone; the run summary and the `runs` row always say both.
 */
export const EXIT = {
  ok: 0,
  /** Something broke that is not the user's input: every cluster failed, the database, the machine, or a bug. */
  fatal: 1,
  /** Bad command line or job file. */
  usage: 2,
  /** Some clusters failed; the others landed. */
  partial: 3,
  /** New findings at or above --fail-on. */
  findings: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function worst(...codes: ExitCode[]): ExitCode {
  const rank: Record<ExitCode, number> = { 0: 0, 3: 1, 4: 2, 2: 3, 1: 4 };
  return codes.reduce((a, b) => (rank[b] > rank[a] ? b : a), EXIT.ok as ExitCode);
}
