/*
id: permission-enumeration
title: Endpoint permission enumeration
severity: medium
mitre: [T1613, T1069]
needs: [metadata, read-verbs]
window: window
description: >-
  One principal from one address touches at least `endpoints` distinct endpoints (verb plus resource, or
  path for non-resource requests) within `window`, at least `denied` of them refused: the pattern of a
  tool (or a person with a stolen token) mapping what an identity is allowed to do. The platform is left
  out. Most probes are reads, which are not logged everywhere (AKS kube-audit-admin, GKE without Data Access).
false_positives: >-
  Dashboards and IDE plugins that discover many resource types with a partly authorised identity.
  Suppress those principals or user agents' owners.
response:
  - Which principal from where, how many endpoints and denials (summary, evidence).
  - What it succeeded at (evidence with a 2xx code); whether the identity is a workload's (stolen token) or a person's.
tags: [discovery, threshold]
parameters:
  endpoints:
    type: integer
    default: 15
    description: distinct endpoints within the window
  denied:
    type: integer
    default: 5
    description: of which refused at least
  window:
    type: duration
    default: 10m
    description: how close together the requests are
references: [Elastic Kubernetes endpoint permission enumeration (incl. anonymous, GKE), Sigma RBAC Permission Enumeration Attempt]
*/
-- only principals with enough distinct denied endpoints at all go through the sliding window
WITH busy AS (
  SELECT cluster, user_name, coalesce(source_ips[1], '') AS src
  FROM scope
  WHERE denied AND NOT is_platform
  GROUP BY ALL
  HAVING count(DISTINCT coalesce(verb, '?') || ' ' || coalesce(resource || coalesce('/' || subresource, ''), split_part(coalesce(request_uri, '?'), '?', 1))) >= $denied
),
req AS (
  SELECT s.*, coalesce(s.verb, '?') || ' ' || coalesce(s.resource || coalesce('/' || s.subresource, ''), split_part(coalesce(s.request_uri, '?'), '?', 1)) AS endpoint,
    coalesce(s.source_ips[1], '') AS src
  FROM scope s SEMI JOIN busy b ON b.cluster = s.cluster AND b.user_name IS NOT DISTINCT FROM s.user_name AND b.src = coalesce(s.source_ips[1], '')
  WHERE NOT s.is_platform
),
counted AS (
  SELECT r.*, count(DISTINCT r.endpoint) OVER w AS n, count(DISTINCT CASE WHEN r.denied THEN r.endpoint END) OVER w AS n_denied
  FROM req r
  WINDOW w AS (PARTITION BY cluster, user_name, src ORDER BY event_time RANGE BETWEEN $window PRECEDING AND CURRENT ROW)
),
hits AS (SELECT cluster, user_name, src, event_time AS hit_at FROM counted WHERE n >= $endpoints AND n_denied >= $denied)
SELECT c.cluster, c.audit_id, c.event_time,
  kt_who(c.user_name) || ' ' || c.src AS group_key,
  kt_who(c.user_name) || ' from ' || coalesce(nullif(c.src, ''), '?') || ' tried ' || c.n || ' endpoints within ' || kt_duration($window)
    || ', ' || c.n_denied || ' of them denied' AS summary
FROM counted c
WHERE EXISTS (SELECT 1 FROM hits h WHERE h.cluster = c.cluster AND h.user_name IS NOT DISTINCT FROM c.user_name AND h.src = c.src
                AND c.event_time BETWEEN h.hit_at - $window AND h.hit_at)
