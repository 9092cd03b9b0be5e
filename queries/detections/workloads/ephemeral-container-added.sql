/*
id: ephemeral-container-added
title: Ephemeral (debug) container added to a running pod
severity: medium
mitre: [T1609, T1611]
needs: [metadata]
description: >-
  An ephemeral container was added to a running pod (`kubectl debug`, an update or patch of the
  pods/ephemeralcontainers subresource). It runs any image inside the pod's namespaces, with its service
  account token and volumes, and is not part of the workload's spec, so it escapes reviews of manifests.
false_positives: >-
  Engineers debugging with `kubectl debug`. Suppress known operators, per namespace.
response:
  - Who added it (user_name), to which pod, and which image (request_object when bodies are logged).
  - What it did next, such as exec and attach sessions into the same pod (`FROM exec_sessions`).
  - If unexplained, treat the pod's credentials as exposed.
tags: [execution, interactive]
references: [Falco EphemeralContainers Created, Elastic Kubernetes Ephemeral Container Created]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' added an ephemeral container to pod ' || kt_target(namespace, name)
    || coalesce(' (image ' || json_extract_string(request_object, '$.spec.ephemeralContainers[-1].image') || ')', '') AS summary
FROM events
WHERE resource = 'pods' AND subresource = 'ephemeralcontainers' AND verb IN ('update', 'patch') AND succeeded
