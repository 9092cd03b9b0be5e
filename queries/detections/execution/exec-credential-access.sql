/*
id: exec-credential-access
title: Exec reads service-account tokens or credential files
severity: high
mitre: [T1552.001, T1528]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
blind_on:
  gke: GKE keeps no query string in its AuditLog entries, so the exec command is not logged
description: >-
  The command of an exec session touches credentials: the pod's service-account token (/var/run/secrets/kubernetes.io/serviceaccount), cloud credential files (.aws/credentials, application default credentials, azure.json), kubeconfigs, SSH keys, /etc/shadow, the kubelet's credentials. The command is read from the request URI; only the first command of a session is logged.
false_positives: >-
  Debugging authentication problems by printing the token. Rare, and worth asking about.
response:
  - The command (summary) and who ran it from where (user_name, source_ips, user_agent).
  - Other sessions into the same pod and by the same principal (`FROM exec_sessions`; a pod-exec finding if the principal is new to exec).
  - Assume the credential left the pod - rotate it (delete the token's pod or secret, rotate cloud keys) and review what the identity did next.
tags: [credential-access, execution]
parameters:
  pattern:
    type: string
    default: "(?i)(/var/run/secrets/kubernetes\\.io|/run/secrets/kubernetes\\.io|/var/run/secrets/(eks\\.amazonaws\\.com|azure)|\\.aws/credentials|application_default_credentials|/etc/kubernetes/(azure\\.json|admin\\.conf|kubelet\\.conf|pki)|/var/lib/kubelet/(kubeconfig|pki)|\\.kube/config|/etc/shadow|\\.ssh/|id_(rsa|ed25519|ecdsa)|\\.docker/config\\.json|\\.git-credentials|\\.netrc)"
    description: regular expression (RE2) matched against the command
references: [Panther Kubernetes.Pod.StealServiceAccountToken, Elastic sensitive file access via exec]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ran a command reading credentials in ' || kt_target(namespace, name) || ': ' || exec_command AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND exec_command IS NOT NULL
  AND regexp_matches(exec_command, $pattern)
