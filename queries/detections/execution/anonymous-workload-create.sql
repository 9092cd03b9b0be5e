/*
id: anonymous-workload-create
title: Anonymous user creates or changes a workload
severity: critical
mitre: [T1610, T1190]
needs: [metadata]
description: >-
  An unauthenticated request (system:anonymous, or the system:unauthenticated group) successfully creates,
  updates or patches a pod or workload. This only succeeds when anonymous access is enabled and someone
  granted it rights: the cluster is open to the internet. Cryptojacking campaigns do exactly this.
false_positives: >-
  None expected.
response:
  - Source IPs and user agent (summary, evidence); which workload and image.
  - Remove the binding that grants anonymous rights (anonymous-granted-permissions finds it), disable anonymous auth where possible.
  - Delete the workload and look for others created the same way.
tags: [initial-access, execution]
references: [Elastic Kubernetes anonymous request creating a pod (GKE)]
*/
SELECT cluster, audit_id, event_time,
  coalesce(public_ips[1], source_ips[1], '?') AS group_key,
  'anonymous request from ' || coalesce(array_to_string(source_ips, ', '), '?') || ' ' || kt_did(verb) || ' '
    || resource || ' ' || kt_target(namespace, object_name) AS summary
FROM events
WHERE is_anonymous AND verb IN ('create', 'update', 'patch') AND succeeded AND subresource IS NULL
  AND resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers')
