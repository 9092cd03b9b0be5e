/*
id: my-detection
title: What it finds, in a few words
severity: medium
mitre: [T1609]
needs: [metadata]
# blind_on: {gke: why it can never work there}   partly_needs: {read-verbs: what it misses without them}
description: >-
  What happened, why it matters, what it needs from the audit log, and what it leaves out.
false_positives: >-
  What else looks like this, and how to suppress it.
response:
  - First thing to look at.
  - What to do if it is not explained.
tags: [execution]
parameters:
  threshold:
    type: integer
    default: 5
    description: what the number means
references: [the peer rules this comes from]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource = 'pods' AND verb = 'create' AND succeeded AND NOT is_platform AND $threshold > 0
