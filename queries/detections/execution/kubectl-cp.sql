/*
id: kubectl-cp
title: Files copied out of (or into) a pod with kubectl cp
severity: medium
mitre: [T1005, T1105]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
blind_on:
  gke: GKE keeps no query string in its AuditLog entries, so the exec command is not logged
description: >-
  An exec session runs the tar command `kubectl cp` uses: `tar cf -` streams files out of the container (collection, exfiltration), `tar xf -` writes files into it (tool transfer). The command is read from the request URI.
false_positives: >-
  Engineers fetching logs or dumps, or uploading hotfixes. Suppress known operators per namespace.
response:
  - The command (summary) and who ran it from where (user_name, source_ips, user_agent).
  - Other sessions into the same pod and by the same principal (`FROM exec_sessions`; a pod-exec finding if the principal is new to exec).
  - Which paths were copied (the tar arguments in the summary); whether they hold data or credentials.
tags: [collection, exfiltration, execution]
references: [Panther Kubernetes.Kubectl.CP.Operation]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ran kubectl cp (tar) in ' || kt_target(namespace, name) || ': ' || exec_command AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND exec_command IS NOT NULL
  AND regexp_matches(exec_command, '^(/bin/|/usr/bin/)?tar\s+(-?[a-z]*[cx][a-z]*f?\s+-|--?[a-z-]*\s)')
