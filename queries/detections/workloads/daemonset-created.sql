/*
id: daemonset-created
title: DaemonSet created by a non-platform principal
severity: medium
mitre: [T1610, T1543]
needs: [metadata]
description: >-
  Someone other than the platform creates a DaemonSet: one pod on every node, the fastest way to run code
  (a miner, an agent that reads node credentials) across a whole cluster and to keep it running.
false_positives: >-
  Installing or upgrading node agents (logging, monitoring, security, CNI) through Helm, GitOps or CI.
  Suppress the deploying identities.
response:
  - Who created it (user_name, user_agent) and which images run (request_object when bodies are logged).
  - Whether it mounts host paths, runs privileged or uses host namespaces (other findings on the same object).
  - If unknown, delete it; every node ran it, so check nodes for persistence.
tags: [workload, persistence, execution]
references: [Panther Kubernetes.DaemonSet.Created, Panther GCP.K8s.New.Daemonset.Deployed]
*/
-- one step per macro: nesting them would repeat each one's JSON work inside the next
WITH created AS (
  SELECT *, kt_pod_spec(resource, subresource, verb, request_object) AS spec
  FROM events
  WHERE resource = 'daemonsets' AND verb = 'create' AND subresource IS NULL AND succeeded AND NOT is_platform
),
with_images AS (
  SELECT *, kt_images(kt_containers(spec)) AS imgs FROM created
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' created DaemonSet ' || kt_target(namespace, object_name)
    || coalesce(' (images: ' || array_to_string(imgs, ', ') || ')', '') AS summary
FROM with_images
