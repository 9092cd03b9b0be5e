-- Coverage results and report bookkeeping. `coverage` columns up to checked_at are the contract (design.md).

-- One row per cluster, check and coverage run: what the audit trail of the cluster can and cannot show.
CREATE TABLE coverage (
  cluster      VARCHAR NOT NULL,
  check_id     VARCHAR NOT NULL,              -- the file name under queries/coverage/
  status       VARCHAR NOT NULL CHECK (status IN ('ok', 'alarm', 'unknown', 'info')),
  reason       VARCHAR NOT NULL,              -- a sentence with the numbers
  evidence     JSON,                          -- the numbers and samples behind the reason
  remediation  VARCHAR,                       -- the exact change, for this provider and cluster
  checked_at   TIMESTAMPTZ NOT NULL,
  -- beyond the contract
  run_id       VARCHAR NOT NULL,
  provider     VARCHAR NOT NULL,
  PRIMARY KEY (run_id, cluster, check_id)
);

-- The newest result of every (cluster, check).
CREATE VIEW coverage_latest AS
SELECT * FROM coverage
QUALIFY row_number() OVER (PARTITION BY cluster, check_id ORDER BY checked_at DESC, run_id DESC) = 1;

-- Every report written, so the next findings report can mark what is new since this one.
CREATE TABLE reports (
  report_id     VARCHAR PRIMARY KEY,
  kind          VARCHAR NOT NULL,             -- weekly | findings
  run_id        VARCHAR,
  generated_at  TIMESTAMPTZ NOT NULL,
  period_start  TIMESTAMPTZ NOT NULL,
  period_end    TIMESTAMPTZ NOT NULL,
  paths         VARCHAR[]
);

-- The findings a findings report listed (fingerprint per detection and cluster).
CREATE TABLE report_findings (
  report_id     VARCHAR NOT NULL,
  detection_id  VARCHAR NOT NULL,
  cluster       VARCHAR NOT NULL,
  fingerprint   VARCHAR NOT NULL,
  PRIMARY KEY (report_id, detection_id, cluster, fingerprint)
);
