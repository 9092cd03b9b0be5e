/*
id: unauthorized-burst
title: Burst of denied requests from one source
severity: medium
mitre: [T1613, T1110]
needs: [metadata]
window: window
description: >-
  At least `threshold` requests from one source address are refused (401 or 403, whether authorization or
  an admission controller said no) within `window`: someone trying stolen credentials, probing what an
  identity may do, or trying workloads that policy blocks. With `public_only`, only sources on the
  internet count. The platform's identities are left out, unless they come from a public address.
false_positives: >-
  A misconfigured application retrying without rights (one finding per day per source); a CI job with an
  expired token.
response:
  - The source (group key), the identities it used and what it asked for (evidence).
  - Whether the same source succeeded at anything (`FROM from_address('<ip>')`).
  - Block the address at the API endpoint's allow-list if it is not yours.
tags: [discovery, credential-access, threshold]
parameters:
  threshold:
    type: integer
    default: 10
    description: denied requests from one source within the window
  window:
    type: duration
    default: 10m
    description: how close together the denials are
  public_only:
    type: boolean
    default: false
    description: count only sources with a public address
references: [Panther Kubernetes.API.Multiple403.PublicIP and Amazon.EKS.Audit.Multiple403, Elastic failure bursts (GKE, AKS), Splunk cluster scan]
*/
WITH denied AS (
  SELECT *, coalesce(CASE WHEN $public_only THEN public_ips[1] ELSE coalesce(public_ips[1], source_ips[1]) END, '') AS src
  FROM scope
  WHERE (denied OR response_code = 403) AND (NOT is_platform OR len(public_ips) > 0)
),
-- only sources that reach the threshold at all go through the sliding window
busy AS (SELECT cluster, src FROM denied WHERE src <> '' GROUP BY ALL HAVING count(*) >= $threshold),
counted AS (
  SELECT d.*, count(*) OVER w AS n
  FROM denied d SEMI JOIN busy b ON b.cluster = d.cluster AND b.src = d.src
  WINDOW w AS (PARTITION BY cluster, src ORDER BY event_time RANGE BETWEEN $window PRECEDING AND CURRENT ROW)
),
hits AS (SELECT cluster, src, event_time AS hit_at FROM counted WHERE n >= $threshold)
SELECT c.cluster, c.audit_id, c.event_time,
  c.src AS group_key,
  c.n || ' denied requests from ' || c.src || ' within ' || kt_duration($window) || ' (latest: ' || kt_who(c.user_name) || ' '
    || coalesce(c.verb, '?') || ' ' || coalesce(c.resource, split_part(coalesce(c.request_uri, '?'), '?', 1)) || ')' AS summary
FROM counted c
WHERE EXISTS (SELECT 1 FROM hits h WHERE h.cluster = c.cluster AND h.src = c.src AND c.event_time BETWEEN h.hit_at - $window AND h.hit_at)
