-- MicroSeg cluster mode, PostgreSQL 15: the Orleans ADO.NET query catalogue.
--
-- Every Orleans ADO.NET provider (clustering, grain storage, reminders, streaming) starts by running
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and from then on executes only the texts it found
-- there, binding its parameters by name (@DeploymentId, @GrainIdHash, ...). The files after this one
-- each add the tables of one provider and upsert that provider's rows here.
--
-- Idempotent: safe to run again on a database that already has the schema. The silo applies all files
-- in name order, in one transaction, under an advisory lock; by hand:
--   psql -v ON_ERROR_STOP=1 --single-transaction -f 00-main.sql -f 10-clustering.sql ...
--
-- Identifiers are unquoted, so PostgreSQL stores them in lower case; the providers' own SQL
-- (FROM OrleansQuery) and Npgsql's case-insensitive column lookup both rely on that.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
