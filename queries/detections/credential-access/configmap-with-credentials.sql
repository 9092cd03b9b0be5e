/*
id: configmap-with-credentials
title: ConfigMap written with credentials in it
severity: medium
mitre: [T1552.001]
needs: [request-bodies]
blind_on:
  eks: EKS's audit policy logs ConfigMaps at Metadata level (no body), except aws-auth
  gke: GKE's audit policy logs ConfigMaps at Metadata level (no body)
  aks: AKS's audit policy logs ConfigMaps at Metadata level (no body), except coredns-custom
description: >-
  A ConfigMap is created, updated or patched with what looks like a credential: a key named like a
  password, token, secret, API or access key, or a value holding `password=...`, an AWS key or a private
  key. kubetrail redacts those values before landing (the marker "[redacted by kubetrail]" stays), so the
  detection looks for its own marker and names the keys. ConfigMaps are readable by far more principals
  than Secrets. Needs the request body, which only self-hosted policies log for ConfigMaps.
false_positives: >-
  Keys that only look like credentials (`token_ttl`, `password_policy`). Suppress per namespace or principal.
response:
  - Which ConfigMap and keys (summary); who wrote it.
  - Move the value to a Secret (or a secret manager), rotate it, and check who can read ConfigMaps in that namespace.
tags: [credential-access, hygiene]
references: [Falco Create/Modify Configmap With Private Credentials]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ConfigMap ' || kt_target(namespace, object_name) || ' with credentials in '
    || CASE WHEN json_type(json_extract(request_object, '$.data')) = 'OBJECT'
            THEN coalesce(nullif(array_to_string(list_filter(json_keys(json_extract(request_object, '$.data')),
                   lambda k: contains(CAST(json_extract(request_object, '$.data."' || replace(k, '"', '\"') || '"') AS VARCHAR), '[redacted by kubetrail]')), ', '), ''), 'its data')
            ELSE 'the patch' END AS summary
FROM events
WHERE resource = 'configmaps' AND verb IN ('create', 'update', 'patch') AND succeeded AND NOT is_platform
  AND contains(CAST(request_object AS VARCHAR), '[redacted by kubetrail]')
