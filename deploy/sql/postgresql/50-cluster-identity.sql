-- MicroSeg cluster mode, PostgreSQL 15: the identity of this database as a MicroSeg store.
--
-- One row, created once with the schema and never changed: a random GUID that every silo on this database
-- reads at start and node agents receive with their node's rules. A database that was lost, restored empty
-- or swapped for another has another identity, so an agent can tell "the cluster is empty now" from "this
-- is not the control plane I was programmed by" and keep enforcing until an operator decides.
--
-- Idempotent and race-free: the primary key admits one row, ON CONFLICT DO NOTHING keeps the first one, so
-- silos applying this at the same moment (they also hold the schema's advisory lock) agree on one identity.
-- gen_random_uuid() is built in since PostgreSQL 13.

CREATE TABLE IF NOT EXISTS MicroSegCluster
(
    Singleton       boolean     NOT NULL DEFAULT true,
    ClusterIdentity uuid        NOT NULL,
    CreatedUtc      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT MicroSegCluster_Key PRIMARY KEY (Singleton),
    CONSTRAINT MicroSegCluster_OneRow CHECK (Singleton)
);

INSERT INTO MicroSegCluster (ClusterIdentity) VALUES (gen_random_uuid())
ON CONFLICT (Singleton) DO NOTHING;
