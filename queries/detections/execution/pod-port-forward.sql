/*
id: pod-port-forward
title: Port-forward by a principal new to port-forwarding
severity: low
mitre: [T1572]
needs: [metadata]
partly_needs: {read-verbs: "port-forward over WebSocket (kubectl 1.31 and later) is logged as a get on pods/portforward"}
description: >-
  Someone opened a port-forward tunnel to a pod (`kubectl port-forward`) on a day when they had opened none
  in the `baseline` before it. A tunnel is direct network access to a container port (a database, an admin
  interface) that bypasses Services, ingress and network policy; from a principal that does not normally
  use one (a bot, a service account, a stolen credential) it is worth a look. Every tunnel of that first
  day is in the one finding (principal per day); principals who port-forward every week are not reported
  again (`FROM exec_sessions WHERE subresource = 'portforward'` lists every tunnel). kubetrail only knows
  what it has landed: on the first import every principal is new once. SPDY clients send verb create,
  WebSocket clients get (not logged where reads are not).
false_positives: >-
  Developers reaching a database or dashboard for the first time in a while. Suppress known operators per namespace.
response:
  - Who opened it, to which pods (evidence), from where.
  - What the pod serves on its ports; whether data was read (application logs of that pod).
tags: [lateral-movement, command-and-control, interactive, anomaly]
parameters:
  baseline:
    type: duration
    default: 30d
    description: a principal with a tunnel in this long before the day is not new
references: [Falco port-forward]
*/
WITH tunnels AS (
  SELECT cluster, audit_id, event_time, user_name, namespace, name, request_uri, date_trunc('day', event_time) AS day
  FROM events
  WHERE resource = 'pods' AND subresource = 'portforward' AND verb IN ('create', 'get') AND succeeded
),
days AS (SELECT DISTINCT cluster, user_name, day FROM tunnels),
-- principals that had a tunnel in the baseline before that day (the whole history, not only this run)
known AS (
  SELECT DISTINCT d.cluster, d.user_name, d.day
  FROM days d JOIN audit_events a ON a.cluster = d.cluster AND a.user_name = d.user_name
  WHERE a.resource = 'pods' AND a.subresource = 'portforward' AND a.verb IN ('create', 'get')
    AND coalesce(a.decision, '') <> 'forbid' AND coalesce(a.response_code < 400, true)
    AND a.event_time >= d.day - $baseline AND a.event_time < d.day
)
SELECT t.cluster, t.audit_id, t.event_time,
  kt_who(t.user_name) AS group_key,
  kt_who(t.user_name) || ' port-forwarded to pod ' || kt_target(t.namespace, t.name)
    || coalesce(' (ports ' || nullif(array_to_string(regexp_extract_all(t.request_uri, '[?&]ports=([0-9]+)', 1), ','), '') || ')', '')
    || ', with no tunnel in the ' || kt_duration($baseline) || ' before that day' AS summary
FROM tunnels t
WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.cluster = t.cluster AND k.user_name = t.user_name AND k.day = t.day)
