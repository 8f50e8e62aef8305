-- MicroSeg runtime schema for PostgreSQL (cluster mode). Idempotent: every silo applies it at start
-- under an advisory lock; operators may apply it beforehand with psql -f.

-- Grain state (IPersistentState<T>): one row per grain type, key and state name. version is the ETag;
-- a clear keeps the row (payload NULL, version + 1) so a stale writer still conflicts.
CREATE TABLE IF NOT EXISTS microseg_grain_state (
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    state_name   text        NOT NULL,
    payload      jsonb       NULL,
    version      bigint      NOT NULL,
    modified_utc timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- Cluster membership: one row per silo incarnation (address + generation). status: 0 Joining,
-- 1 Active, 2 ShuttingDown, 3 Dead. heartbeat_utc is written by the silo itself with the database
-- clock; a silo whose heartbeat is older than the death timeout is declared Dead by any live member.
CREATE TABLE IF NOT EXISTS microseg_membership (
    cluster_id    text        NOT NULL,
    address       text        NOT NULL,
    generation    bigint      NOT NULL,
    silo_name     text        NOT NULL,
    status        smallint    NOT NULL,
    gateway       text        NULL,
    started_utc   timestamptz NOT NULL DEFAULT now(),
    heartbeat_utc timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_id, address, generation)
);

CREATE INDEX IF NOT EXISTS microseg_membership_live ON microseg_membership (cluster_id, status);

