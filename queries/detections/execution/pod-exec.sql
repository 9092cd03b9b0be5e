/*
id: pod-exec
title: Exec or attach by a principal new to interactive sessions
severity: low
mitre: [T1609]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
description: >-
  Someone opened an interactive session in a container (`kubectl exec`, `kubectl attach`) on a day when
  they had opened none in the `baseline` before it: a principal that does not normally use exec on this
  cluster (a new engineer, a bot or service account, a stolen credential). Every session of that first day
  is in the one finding (principal per day; the namespaces and pods are in its evidence). Principals who
  exec every week are not reported again: their sessions are in the exec_sessions view, and the sessions
  that matter whoever opens them have their own detections (shell or download tool, reverse shell,
  credential access, cloud metadata, system namespace). kubetrail only knows what it has landed: on the
  first import every principal is new once. Matches both clients: SPDY sends verb create, WebSocket
  (kubectl 1.30 and later) sends verb get; a WebSocket session is a read, so it is missing where reads are
  not logged (AKS kube-audit-admin, GKE without Data Access).
false_positives: >-
  New team members, administrators debugging a cluster they rarely touch, operators that exec (backup
  tools) after a quiet month. Suppress those principals, per namespace where possible.
response:
  - Who opened it (user_name; on EKS the IAM ARN in user_extra), from where (source_ips), into which pods (evidence).
  - What ran first - `SELECT command FROM exec_sessions WHERE audit_id = ...`; keystrokes inside an interactive session are never logged.
  - What the same principal did around it - `FROM timeline('<user>')`.
  - If the session is not explained, treat the pod as compromised - snapshot it, rotate the credentials it mounts.
tags: [execution, interactive, anomaly]
parameters:
  baseline:
    type: duration
    default: 30d
    description: a principal with a session in this long before the day is not new
references: [Falco Attach/Exec Pod, Panther Kubernetes.Pod.Exec (disabled by default), Elastic Kubernetes Pod Exec, GuardDuty Execution:Kubernetes/ExecInPod]
*/
WITH sessions AS (
  SELECT cluster, audit_id, event_time, user_name, namespace, name, subresource, exec_command,
    date_trunc('day', event_time) AS day
  FROM events
  WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
),
days AS (SELECT DISTINCT cluster, user_name, day FROM sessions),
-- principals that had a session in the baseline before that day (the whole history, not only this run)
known AS (
  SELECT DISTINCT d.cluster, d.user_name, d.day
  FROM days d JOIN audit_events a ON a.cluster = d.cluster AND a.user_name = d.user_name
  WHERE a.resource = 'pods' AND a.subresource IN ('exec', 'attach') AND a.verb IN ('create', 'get')
    AND coalesce(a.decision, '') <> 'forbid' AND coalesce(a.response_code < 400, true)
    AND a.event_time >= d.day - $baseline AND a.event_time < d.day
)
SELECT s.cluster, s.audit_id, s.event_time,
  kt_who(s.user_name) AS group_key,
  kt_who(s.user_name) || ' ' || s.subresource || ' into ' || kt_target(s.namespace, s.name) || coalesce(' (' || s.exec_command || ')', '')
    || ', with no session in the ' || kt_duration($baseline) || ' before that day' AS summary
FROM sessions s
WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.cluster = s.cluster AND k.user_name = s.user_name AND k.day = s.day)
