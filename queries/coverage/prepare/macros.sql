-- Formatting for the reasons the coverage checks write (people read them in reports).
CREATE OR REPLACE TEMP MACRO kt_n(n) AS format('{:,}', CAST(n AS BIGINT));
CREATE OR REPLACE TEMP MACRO kt_pct(x) AS CASE WHEN x IS NULL THEN 'n/a' WHEN x > 0 AND x < 0.001 THEN '<0.1%' ELSE format('{:.1f}%', 100 * x) END;
CREATE OR REPLACE TEMP MACRO kt_ts(t) AS strftime(t, '%Y-%m-%d %H:%M UTC');
CREATE OR REPLACE TEMP MACRO kt_iso(t) AS strftime(t, '%Y-%m-%dT%H:%M:%SZ');
CREATE OR REPLACE TEMP MACRO kt_day(t) AS strftime(t, '%Y-%m-%d');
-- A duration in seconds, in the unit a person would use.
CREATE OR REPLACE TEMP MACRO kt_dur(s) AS CASE
  WHEN s IS NULL THEN 'n/a'
  WHEN abs(s) < 120 THEN format('{:d} s', CAST(round(s) AS BIGINT))
  WHEN abs(s) < 7200 THEN format('{:d} min', CAST(round(s / 60) AS BIGINT))
  WHEN abs(s) < 172800 THEN CASE WHEN round(s / 3600, 1) = round(s / 3600) THEN format('{:d} h', CAST(round(s / 3600) AS BIGINT)) ELSE format('{:.1f} h', s / 3600) END
  ELSE CASE WHEN round(s / 86400, 1) = round(s / 86400) THEN format('{:d} days', CAST(round(s / 86400) AS BIGINT)) ELSE format('{:.1f} days', s / 86400) END
END;
-- A span in seconds as hours and minutes ("3 h 35 min", "2 h", "45 min"): exact enough to compare with a threshold in hours.
CREATE OR REPLACE TEMP MACRO kt_hm(s) AS CASE
  WHEN s IS NULL THEN 'n/a'
  WHEN s < 3600 THEN format('{:d} min', CAST(floor(s / 60) AS BIGINT))
  WHEN floor((s % 3600) / 60) = 0 THEN format('{:d} h', CAST(floor(s / 3600) AS BIGINT))
  ELSE format('{:d} h {:d} min', CAST(floor(s / 3600) AS BIGINT), CAST(floor((s % 3600) / 60) AS BIGINT))
END;
CREATE OR REPLACE TEMP MACRO kt_days(d) AS CASE WHEN d = round(d) THEN format('{:d} days', CAST(d AS BIGINT)) ELSE format('{:.1f} days', d) END;
-- Writes that the providers' audit policies log with their request body (Request or RequestResponse):
-- create/update/patch on known API groups, minus what every managed policy keeps at Metadata (secrets,
-- configmaps, service accounts and their tokens, token and access reviews) and minus events.
CREATE OR REPLACE TEMP MACRO kt_expects_body(verb, resource, subresource, api_group) AS
  verb IN ('create', 'update', 'patch')
  AND resource IS NOT NULL
  AND coalesce(subresource, '') NOT IN ('exec', 'attach', 'portforward', 'proxy', 'log', 'token')
  AND resource NOT IN ('secrets', 'configmaps', 'serviceaccounts', 'tokenreviews', 'events', 'subjectaccessreviews',
                       'selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'localsubjectaccessreviews', 'selfsubjectreviews')
  AND coalesce(api_group, '') IN ('', 'apps', 'batch', 'extensions', 'autoscaling', 'policy', 'rbac.authorization.k8s.io',
                       'networking.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io',
                       'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'scheduling.k8s.io',
                       'apiregistration.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io');
-- Severities in order (0 for anything unknown), for sorting worst first.
CREATE OR REPLACE TEMP MACRO kt_sev_rank(s) AS coalesce(list_position(['info', 'low', 'medium', 'high', 'critical'], lower(s)), 0);
