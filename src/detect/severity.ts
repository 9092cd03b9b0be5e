/** Severities, lowest first; `--fail-on` and `rules list --severity` compare by this order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const atLeast = (s: Severity, min: Severity): boolean => severityRank(s) >= severityRank(min);
