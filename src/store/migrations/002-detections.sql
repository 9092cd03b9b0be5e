-- Detections: findings (the contract columns first), their evidence, and the detect watermark.

-- One row per finding. A finding is one detection firing on one thing (its group key: a principal, a pod,
-- a binding...) in one cluster and one dedup period; its fingerprint is a hash of exactly that, so a
-- rerun or an overlapping window finds the same row and only adds evidence it did not have.
CREATE TABLE findings (
  detection_id    VARCHAR NOT NULL,
  severity        VARCHAR NOT NULL,           -- info | low | medium | high | critical
  cluster         VARCHAR NOT NULL,
  fingerprint     VARCHAR NOT NULL,           -- sha256(detection_id, cluster, group_key, period_start), hex
  first_seen      TIMESTAMPTZ NOT NULL,       -- event time of the earliest evidence
  last_seen       TIMESTAMPTZ NOT NULL,       -- event time of the latest evidence
  event_count     BIGINT NOT NULL,            -- distinct requests (audit ids) behind the finding
  summary         VARCHAR NOT NULL,           -- built from the latest evidence; strings from logs: escape before display
  audit_ids       VARCHAR[] NOT NULL,         -- evidence, sorted (the same whatever order it arrived in); capped, see evidence_truncated; finding_events has all
  status          VARCHAR NOT NULL DEFAULT 'open', -- open | acknowledged | resolved | false_positive (analysts set it)
  -- beyond the contract
  title           VARCHAR NOT NULL,
  mitre           VARCHAR[],
  group_key       VARCHAR NOT NULL,           -- what the evidence was grouped on, e.g. "alice default/web-1"
  period_start    TIMESTAMPTZ NOT NULL,       -- the dedup period the evidence falls in
  principals      VARCHAR[],                  -- user names behind the evidence (capped)
  source_ips      VARCHAR[],                  -- source IPs behind the evidence (capped)
  namespaces      VARCHAR[],
  evidence_truncated BOOLEAN NOT NULL DEFAULT false,
  new_in_run      VARCHAR NOT NULL,           -- the detect run that created it
  updated_in_run  VARCHAR NOT NULL,           -- the last detect run that added evidence
  reopened_in_run VARCHAR,                    -- new evidence arrived after it was resolved
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL
);

-- Every (finding, request) pair: the full evidence, and how a rerun knows what it already counted.
CREATE TABLE finding_events (
  fingerprint     VARCHAR NOT NULL,
  detection_id    VARCHAR NOT NULL,
  cluster         VARCHAR NOT NULL,
  audit_id        VARCHAR NOT NULL,
  event_time      TIMESTAMPTZ NOT NULL,
  run_id          VARCHAR NOT NULL
);

-- Per detection: audit_events landed up to this time have been looked at. Written in the same
-- transaction as the findings it produced.
CREATE TABLE detect_state (
  detection_id    VARCHAR PRIMARY KEY,
  landed_upto     TIMESTAMPTZ NOT NULL,
  run_id          VARCHAR NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL
);
