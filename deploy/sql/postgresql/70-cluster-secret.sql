-- MicroSeg cluster mode, PostgreSQL 15: the secret the silos of this cluster share.
--
-- One row, created once with the schema and never changed: 32 bytes from two random UUIDs (gen_random_uuid()
-- uses PostgreSQL's strong random source; 244 random bits). Every silo reads it at start and puts it on the grain
-- calls it makes, so that a call naming a grain as its sender is believed only when a silo sent it
-- (docs/security.md, "Calls made inside the cluster"). Silos reach this database; node agents and operators'
-- grain clients never do. Unlike MicroSegCluster, this value must never leave the silos: grant it to the silos'
-- role only.
--
-- Idempotent and race-free, as 50-cluster-identity.sql.

CREATE TABLE IF NOT EXISTS MicroSegClusterSecret
(
    Singleton  boolean     NOT NULL DEFAULT true,
    Secret     bytea       NOT NULL,
    CreatedUtc timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT MicroSegClusterSecret_Key PRIMARY KEY (Singleton),
    CONSTRAINT MicroSegClusterSecret_OneRow CHECK (Singleton),
    CONSTRAINT MicroSegClusterSecret_Length CHECK (octet_length(Secret) >= 30)
);

INSERT INTO MicroSegClusterSecret (Secret) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
ON CONFLICT (Singleton) DO NOTHING;
