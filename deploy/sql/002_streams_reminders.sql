-- MicroSeg runtime schema, part 2: durable streams and reminders (PostgreSQL, cluster mode). Idempotent,
-- applied with 001 at silo start under the same advisory lock.

-- Stream heads: the last sequence number of each stream. Appending locks the head row, so sequence
-- numbers of one stream are contiguous and committed in order. scope = "<cluster id>/<provider name>".
-- changed_xid = the appending transaction: pulling agents read only the heads changed since the oldest
-- transaction running at their previous read (PostgreSQL 13+ for xid8).
CREATE TABLE IF NOT EXISTS microseg_stream_heads (
    scope       text    NOT NULL,
    stream_ns   text    NOT NULL,
    stream_key  text    NOT NULL,
    partition   integer NOT NULL,
    last_seq    bigint  NOT NULL,
    changed_xid xid8    NOT NULL,
    PRIMARY KEY (scope, stream_ns, stream_key)
);

CREATE INDEX IF NOT EXISTS microseg_stream_heads_changed ON microseg_stream_heads (scope, partition, changed_xid);

-- The events (JSON text), one row per event.
CREATE TABLE IF NOT EXISTS microseg_stream_events (
    scope       text        NOT NULL,
    stream_ns   text        NOT NULL,
    stream_key  text        NOT NULL,
    seq         bigint      NOT NULL,
    payload     text        NOT NULL,
    created_utc timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, stream_ns, stream_key, seq)
);

-- Subscriptions: explicit ones, and the checkpoints of implicit ones (created on first acknowledgement).
-- checkpoint = last sequence number the consumer acknowledged; it only moves forward.
CREATE TABLE IF NOT EXISTS microseg_stream_subscriptions (
    scope           text    NOT NULL,
    stream_ns       text    NOT NULL,
    stream_key      text    NOT NULL,
    subscription_id uuid    NOT NULL,
    grain_type      text    NOT NULL,
    grain_key       text    NOT NULL,
    is_implicit     boolean NOT NULL,
    checkpoint      bigint  NOT NULL,
    PRIMARY KEY (scope, stream_ns, stream_key, subscription_id)
);

-- Reminders: one row per grain and reminder name, scoped by cluster id. Ticks are not written; the
-- owning silo computes them from start_utc and period. version changes on every update.
CREATE TABLE IF NOT EXISTS microseg_reminders (
    scope         text        NOT NULL,
    grain_type    text        NOT NULL,
    grain_key     text        NOT NULL,
    reminder_name text        NOT NULL,
    start_utc     timestamptz NOT NULL,
    period        interval    NOT NULL,
    version       bigint      NOT NULL,
    PRIMARY KEY (scope, grain_type, grain_key, reminder_name)
);
