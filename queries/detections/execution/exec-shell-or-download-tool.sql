/*
id: exec-shell-or-download-tool
title: Exec runs a shell, interpreter or download tool
severity: medium
mitre: [T1059, T1105]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
blind_on:
  gke: GKE keeps no query string in its AuditLog entries, so the exec command is not logged
description: >-
  An exec or attach session starts a shell (sh, bash, busybox, ...), an interpreter (python, perl, ...), a download tool (curl, wget, ...), a package manager or kubectl inside a container: hands-on-keyboard activity or tool transfer. The command is read from the request URI (`command=` parameters); only the first command of a session is logged.
false_positives: >-
  Engineers opening a shell to debug. Suppress known operators per namespace.
response:
  - The command (summary) and who ran it from where (user_name, source_ips, user_agent).
  - Other sessions into the same pod and by the same principal (`FROM exec_sessions`; a pod-exec finding if the principal is new to exec).
  - If the shell is not explained, inspect the container's file system for dropped tools.
tags: [execution, interactive]
parameters:
  tools:
    type: string
    default: "(^|[\\s/;|&(])(sh|bash|ash|dash|zsh|ksh|busybox|curl|wget|python[0-9.]*|perl|ruby|php|nc|ncat|socat|kubectl|apt-get|apt|apk|yum|dnf|pip[0-9.]*|tftp|ftp|scp)([\\s;|&)]|$)"
    description: regular expression (RE2) matched against the command
references: [Sigma Potential Enumeration Activity, Elastic curl/wget exec]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ran a shell or tool in ' || kt_target(namespace, name) || ': ' || exec_command AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND exec_command IS NOT NULL
  AND regexp_matches(exec_command, $tools)
