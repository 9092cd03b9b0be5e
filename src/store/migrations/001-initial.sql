-- kubetrail schema v1. Table and column names in design.md are a contract: add, never rename.

CREATE TABLE runs (
  run_id        VARCHAR PRIMARY KEY,
  command       VARCHAR NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  status        VARCHAR NOT NULL,          -- running | ok | partial | failed
  config_path   VARCHAR,
  version       VARCHAR,
  fetched       BIGINT DEFAULT 0,          -- records read from sources
  landed        BIGINT DEFAULT 0,          -- new rows in audit_events
  duplicates    BIGINT DEFAULT 0,          -- records already present (reruns, overlaps)
  quarantined   BIGINT DEFAULT 0,
  counts        JSON,                      -- everything else: per envelope, per stage, files skipped ...
  errors        JSON                       -- [{cluster, stage, message}]
);

-- One row per cluster and run: what each source did.
CREATE TABLE run_clusters (
  run_id        VARCHAR NOT NULL,
  cluster       VARCHAR NOT NULL,
  provider      VARCHAR NOT NULL,
  step          VARCHAR NOT NULL,          -- pull | import
  status        VARCHAR NOT NULL,          -- ok | failed | skipped
  fetched       BIGINT DEFAULT 0,
  landed        BIGINT DEFAULT 0,
  duplicates    BIGINT DEFAULT 0,
  quarantined   BIGINT DEFAULT 0,
  counts        JSON,
  error         VARCHAR,
  started_at    TIMESTAMPTZ,
  finished_at   TIMESTAMPTZ,
  PRIMARY KEY (run_id, cluster, step)
);

-- One row per (cluster, audit_id, stage). The uniqueness is kept by the landing step (an anti-join
-- inside the batch's event-time range) instead of an index: an ART index over hundreds of millions of
-- events has to live in memory, and a batch job must stay inside a small memory limit.
CREATE TABLE audit_events (
  cluster              VARCHAR NOT NULL,
  provider             VARCHAR NOT NULL,
  audit_id             VARCHAR NOT NULL,
  stage                VARCHAR NOT NULL,     -- RequestReceived | ResponseStarted | ResponseComplete | Panic | Unknown
  level                VARCHAR,
  verb                 VARCHAR,
  request_uri          VARCHAR,
  user_name            VARCHAR,
  user_uid             VARCHAR,
  user_groups          VARCHAR[],
  user_extra           JSON,
  impersonated_user    VARCHAR,
  impersonated_groups  VARCHAR[],
  source_ips           VARCHAR[],
  user_agent           VARCHAR,
  api_group            VARCHAR,
  api_version          VARCHAR,
  resource             VARCHAR,
  subresource          VARCHAR,
  namespace            VARCHAR,
  name                 VARCHAR,
  response_code        INTEGER,              -- HTTP semantics on every provider
  decision             VARCHAR,              -- allow | forbid | NULL when the record does not say
  request_received_at  TIMESTAMPTZ,
  stage_at             TIMESTAMPTZ,
  ingested_at          TIMESTAMPTZ,          -- when the provider stored it (CloudWatch, Cloud Logging, Log Analytics)
  request_object       JSON,
  response_object      JSON,
  annotations          JSON,
  -- beyond the contract
  event_time           TIMESTAMPTZ NOT NULL, -- stage_at, else request_received_at, else the envelope's time
  response_status      JSON,                 -- the whole responseStatus (message, reason, details)
  object_uid           VARCHAR,
  object_resource_version VARCHAR,
  impersonated_uid     VARCHAR,
  impersonated_extra   JSON,
  authz_reason         VARCHAR,
  body_truncated       BOOLEAN NOT NULL DEFAULT false, -- a body the provider replaced or dropped for size
  envelope             VARCHAR NOT NULL,     -- which normaliser read it
  provider_event_id    VARCHAR,              -- CloudWatch eventId, Cloud Logging insertId, ...
  log_name             VARCHAR,              -- CloudWatch stream, Cloud Logging logName, AKS category/table
  source               VARCHAR,              -- file path or provider coordinates
  source_line          BIGINT,               -- line (or position) in source
  source_item          INTEGER,              -- position inside a batch record ({"records":[...]}, arrays)
  envelope_record      JSON,                 -- the provider's own record where the columns cannot rebuild it
  run_id               VARCHAR NOT NULL,
  landed_at            TIMESTAMPTZ NOT NULL
);

-- Records that could not be landed, with where they came from and why.
CREATE TABLE quarantine (
  run_id          VARCHAR NOT NULL,
  cluster         VARCHAR NOT NULL,
  source          VARCHAR,
  source_line     BIGINT,
  source_item     INTEGER,
  envelope        VARCHAR,
  reason          VARCHAR NOT NULL,
  raw             VARCHAR,                   -- the record, shortened, bodies withheld when they may hold credentials
  raw_bytes       BIGINT,
  quarantined_at  TIMESTAMPTZ NOT NULL
);

-- Incremental state, committed in the same transaction as the rows it covers.
CREATE TABLE pull_state (
  cluster         VARCHAR NOT NULL,
  stream          VARCHAR NOT NULL,          -- e.g. file:<fingerprint>, cloudwatch:<log group>
  state           JSON NOT NULL,
  format_version  INTEGER NOT NULL DEFAULT 1,
  run_id          VARCHAR,
  updated_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (cluster, stream)
);

-- What a source learned about a cluster's audit configuration, per run.
CREATE TABLE posture_facts (
  run_id      VARCHAR NOT NULL,
  cluster     VARCHAR NOT NULL,
  provider    VARCHAR NOT NULL,
  fact        VARCHAR NOT NULL,              -- e.g. audit_log_enabled, retention_days
  status      VARCHAR NOT NULL,              -- known | unknown
  value       JSON,
  reason      VARCHAR,                       -- why unknown, or where it was read
  observed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (run_id, cluster, fact)
);
