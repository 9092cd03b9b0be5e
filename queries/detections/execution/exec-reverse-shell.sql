/*
id: exec-reverse-shell
title: Exec command looks like a reverse shell
severity: critical
mitre: [T1059.004]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
blind_on:
  gke: GKE keeps no query string in its AuditLog entries, so the exec command is not logged
description: >-
  The command of an exec session opens a reverse shell: /dev/tcp or /dev/udp redirections, netcat or socat executing a shell, `bash -i` with redirections, named pipes piped into a shell, scripting one-liners that open sockets. The command is read from the request URI; only the first command of a session is logged.
false_positives: >-
  Almost none; network debugging with nc does not run `-e`.
response:
  - The command (summary) and who ran it from where (user_name, source_ips, user_agent).
  - Other sessions into the same pod and by the same principal (`FROM exec_sessions`; a pod-exec finding if the principal is new to exec).
  - Find the remote address in the command, block it, and treat the pod and its credentials as compromised.
tags: [execution, command-and-control]
parameters:
  pattern:
    type: string
    default: "(?i)(/dev/(tcp|udp)/|\\b(nc|ncat|netcat)\\b.*\\s-[a-z]*[ec]\\b|socat\\b.*exec:|\\b(bash|sh)\\s+-i\\b.*[<>]|mkfifo|mknod\\b.*\\bp\\b|python[0-9.]*\\s+-c.*socket|perl\\s+-e.*socket|ruby\\s+-rsocket|php\\s+-r.*fsockopen|0<&[0-9]+|telnet\\b.*\\|.*(sh|bash))"
    description: regular expression (RE2) matched against the command
references: [Elastic Kubernetes exec reverse shell]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ran what looks like a reverse shell in ' || kt_target(namespace, name) || ': ' || exec_command AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND exec_command IS NOT NULL
  AND regexp_matches(exec_command, $pattern)
