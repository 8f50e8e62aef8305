-- MicroSeg cluster mode, PostgreSQL 15: durable flow history (GET /api/v1/flows).
--
-- One row per aggregated flow (one agent interval of one source, destination, port, protocol, verdict and
-- deciding policy). Times are microseconds since the Unix epoch, UTC. Rows are appended in batches by the
-- flow ingest grains and deleted by age and count by every silo's retention pass (docs/flows.md).
-- Idempotent: applied at every silo start.

CREATE TABLE IF NOT EXISTS microseg_flows
(
    id            bigserial PRIMARY KEY,
    first_seen    bigint   NOT NULL,
    last_seen     bigint   NOT NULL,
    node          text     NOT NULL,
    src_workload  text,
    src_namespace text,
    src_address   text     NOT NULL,
    dst_workload  text,
    dst_namespace text,
    dst_address   text     NOT NULL,
    dst_port      integer  NOT NULL,
    protocol      text     NOT NULL,
    verdict       text     NOT NULL,
    policy        text,
    reason        text     NOT NULL,
    connections   bigint   NOT NULL,
    packets       bigint   NOT NULL,
    bytes         bigint   NOT NULL
);

CREATE INDEX IF NOT EXISTS microseg_flows_last_seen ON microseg_flows (last_seen);
