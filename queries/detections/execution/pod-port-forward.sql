/*
id: pod-port-forward
title: Port-forward into a pod
severity: medium
mitre: [T1572]
needs: [metadata]
description: >-
  Someone opened a port-forward tunnel to a pod (`kubectl port-forward`): direct network access to a
  container port (a database, an admin interface) that bypasses Services, ingress and network policy.
  SPDY clients send verb create, WebSocket clients get (not logged where reads are not).
false_positives: >-
  Developers reaching a database or dashboard. Suppress known operators per namespace.
response:
  - Who opened it, to which pod (summary), from where.
  - What the pod serves on its ports; whether data was read (application logs of that pod).
tags: [lateral-movement, command-and-control, interactive]
references: [Falco port-forward]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' port-forwarded to pod ' || kt_target(namespace, name)
    || coalesce(' (ports ' || nullif(array_to_string(regexp_extract_all(request_uri, '[?&]ports=([0-9]+)', 1), ','), '') || ')', '') AS summary
FROM events
WHERE resource = 'pods' AND subresource = 'portforward' AND verb IN ('create', 'get') AND succeeded
