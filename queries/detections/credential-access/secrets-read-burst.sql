/*
id: secrets-read-burst
title: Many distinct secrets read in a short time
severity: high
mitre: [T1552.007]
needs: [metadata, read-verbs]
window: window
description: >-
  One principal reads (get) at least `threshold` distinct Secrets within `window`: someone walking
  through the cluster's credentials one by one, which a list of secrets would have made too obvious.
  The platform's identities are left out. Gets are reads: not logged with AKS kube-audit-admin, nor on
  GKE without Data Access logs.
false_positives: >-
  Backup and secret-sync tools that read secrets one by one. Suppress their principals.
response:
  - Which secrets (evidence), who, from where and with which client.
  - Rotate what was read, starting with cloud credentials and service-account tokens.
tags: [credential-access, threshold]
parameters:
  threshold:
    type: integer
    default: 15
    description: distinct secrets read by one principal within the window
  window:
    type: duration
    default: 30m
    description: how close together the reads are
references: [Panther Kubernetes.BulkSecretAccess and scheduled query (15 in 30 minutes), Elastic rapid secret GETs]
*/
WITH gets AS (
  SELECT *, coalesce(namespace, '') || '/' || name AS secret
  FROM scope
  WHERE resource = 'secrets' AND subresource IS NULL AND verb = 'get' AND name IS NOT NULL AND succeeded AND NOT is_platform
),
-- only principals that reach the threshold at all go through the sliding window
busy AS (SELECT cluster, user_name FROM gets GROUP BY ALL HAVING count(DISTINCT secret) >= $threshold),
reads AS (
  SELECT g.*, count(DISTINCT g.secret) OVER w AS n
  FROM gets g SEMI JOIN busy b ON b.cluster = g.cluster AND b.user_name IS NOT DISTINCT FROM g.user_name
  WINDOW w AS (PARTITION BY cluster, user_name ORDER BY event_time RANGE BETWEEN $window PRECEDING AND CURRENT ROW)
),
hits AS (SELECT cluster, user_name, event_time AS hit_at FROM reads WHERE n >= $threshold)
SELECT r.cluster, r.audit_id, r.event_time,
  kt_who(r.user_name) AS group_key,
  kt_who(r.user_name) || ' read ' || r.n || ' distinct secrets within ' || kt_duration($window) || ' (latest ' || r.secret || ')' AS summary
FROM reads r
WHERE EXISTS (SELECT 1 FROM hits h WHERE h.cluster = r.cluster AND h.user_name IS NOT DISTINCT FROM r.user_name
                AND r.event_time BETWEEN h.hit_at - $window AND h.hit_at)
