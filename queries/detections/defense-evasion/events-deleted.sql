/*
id: events-deleted
title: Kubernetes events deleted
severity: medium
mitre: [T1070]
needs: [metadata]
blind_on:
  eks: EKS's audit policy (the GCE reference policy) does not log requests on events at all
  gke: GKE's audit policy (the GCE reference policy) does not log requests on events at all
description: >-
  Someone deletes Event objects (core or events.k8s.io): the cluster's record of pod starts, failures,
  image pulls and scheduling, which responders read right after an incident. The platform clears events
  in bulk only (the namespace controller's deletecollection when a namespace goes away; the event TTL
  expires them without a request), so only that is left out: a named event deleted one by one is reported
  whoever deletes it, a kube-system service account included. AKS logs event deletions; EKS and GKE log
  nothing about events.
false_positives: >-
  Cleanup scripts that prune events (unusual: the API server expires them).
response:
  - Who deleted which events, from where (summary).
  - What happened around that time in the namespace (`FROM timeline('<user>')`, requests on pods there).
tags: [defense-evasion]
references: [Sigma Kubernetes Events Deleted, Elastic (AKS), Defender K8S_DeleteEvents]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(namespace, '(all)') AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' events ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource = 'events' AND verb IN ('delete', 'deletecollection') AND succeeded
  AND NOT (is_platform AND verb = 'deletecollection')
