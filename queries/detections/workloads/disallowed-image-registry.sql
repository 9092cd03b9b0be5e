/*
id: disallowed-image-registry
title: Image from a registry outside the allow-list
severity: medium
mitre: [T1610]
needs: [request-bodies]
description: >-
  A pod or workload template uses an image that does not start with one of `allowed_registries`. Image
  names are compared with their registry spelled out (`nginx` is `docker.io/library/nginx`), and an entry
  also matches the name as written. Empty by default: set allowed_registries to your registries to turn
  this on. Platform controllers' pods in system namespaces are left out (made from inside the cluster and owned by a workload: a bare pod from a kube-system service account, or a pod created from an outside address, is someone using a platform token and is reported).
false_positives: >-
  New vendors or mirrors not yet in the list. Add the registry, or suppress by image.
response:
  - Which image and who deployed it (summary).
  - Where the image comes from (public registry, typo-squatted name) and what it contains.
  - If unknown, delete the workload and block the registry at admission (a policy engine).
tags: [workload, supply-chain, configuration-required]
parameters:
  allowed_registries:
    type: strings
    default: []
    description: image name prefixes that are allowed, e.g. registry.example.com/ or docker.io/library/
references: [Falco Create Disallowed Pod]
*/
WITH imgs AS (
  SELECT *, list_filter(images, lambda i: len(list_filter($allowed_registries, lambda a: starts_with(kt_image_ref(i), a) OR starts_with(i, a))) = 0) AS flagged
  FROM workload_writes
  WHERE len($allowed_registries) > 0
    AND resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded AND NOT platform_managed
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' with image(s) from outside the allowed registries: ' || array_to_string(flagged, ', ') AS summary
FROM imgs
WHERE len(flagged) > 0
