/*
id: cronjob-created-or-modified
title: CronJob created or modified
severity: medium
mitre: [T1053.007]
needs: [metadata]
description: >-
  Someone other than the platform creates, updates or patches a CronJob (batch group): scheduled
  execution that survives pod deletion, a classic persistence mechanism in a cluster.
false_positives: >-
  Deployments of applications that ship CronJobs (backups, reports) by CI or GitOps. Suppress those
  identities per namespace.
response:
  - Who changed which CronJob (summary), the schedule and image (request_object when bodies are logged).
  - Jobs and pods it has started since (`FROM touched('jobs', '<ns>', NULL)`).
  - If unknown, delete it and the Jobs it created.
tags: [workload, persistence, execution]
references: [Sigma Kubernetes CronJob/Job Modification, Panther Kubernetes.CronJob.CreatedOrModified, Panther GCP.GKE.Kubernetes.Cron.Job.Created.Or.Modified]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' CronJob ' || kt_target(namespace, object_name)
    || coalesce(' (schedule ' || json_extract_string(request_object, '$.spec.schedule') || ')', '') AS summary
FROM events
WHERE resource = 'cronjobs' AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded AND NOT is_platform
