-- MicroSeg cluster mode, PostgreSQL 15: Orleans membership (Microsoft.Orleans.Clustering.AdoNet).
--
-- One version row per cluster (DeploymentId = ClusterOptions.ClusterId) and one row per silo
-- incarnation (address, port, generation). The version is the table's ETag: a silo that inserts or
-- updates its row passes the version it read (@Version); the write happens, and the version goes up by
-- one, only if the version row still holds that value, in the same statement, so two silos racing on
-- the same version cannot both win. Status is Orleans' SiloStatus: 2 Joining, 3 Active,
-- 4 ShuttingDown, 5 Stopping, 6 Dead. Times are UTC (timestamptz).
--
-- Idempotent; applied by the silo after 00-main.sql (see README.md).

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    ModifiedOn   timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0,
    CONSTRAINT OrleansMembershipVersionTable_Key PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,
    Port         integer      NOT NULL,
    Generation   integer      NOT NULL,
    SiloName     varchar(150) NOT NULL,
    HostName     varchar(150) NOT NULL,
    Status       integer      NOT NULL,
    ProxyPort    integer      NOT NULL DEFAULT 0,
    SuspectTimes text         NULL,
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,
    CONSTRAINT OrleansMembershipTable_Key PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row at version 0 unless it exists. One boolean: created or not.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS Created
$q$),

-- Adds a silo row if the version is still @Version, and bumps the version. One boolean: done or not.
-- The version row is locked first (FOR UPDATE), so a concurrent writer with the same @Version waits and
-- then finds the version moved on; a row that already exists inserts nothing and bumps nothing.
('InsertMembershipKey', $q$
WITH expected AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
),
added AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT e.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM expected AS e
    ON CONFLICT ON CONSTRAINT OrleansMembershipTable_Key DO NOTHING
    RETURNING DeploymentId
),
bumped AS (
    UPDATE OrleansMembershipVersionTable AS v
    SET Version = v.Version + 1, ModifiedOn = now()
    FROM added AS a
    WHERE v.DeploymentId = a.DeploymentId
    RETURNING v.Version
)
SELECT EXISTS (SELECT 1 FROM bumped) AS Inserted
$q$),

-- Changes a silo row's status, suspicions and liveness if the version is still @Version, and bumps
-- the version. One boolean: done or not.
('UpdateMembershipKey', $q$
WITH expected AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
),
changed AS (
    UPDATE OrleansMembershipTable AS m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM expected AS e
    WHERE m.DeploymentId = e.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING m.DeploymentId
),
bumped AS (
    UPDATE OrleansMembershipVersionTable AS v
    SET Version = v.Version + 1, ModifiedOn = now()
    FROM changed AS c
    WHERE v.DeploymentId = c.DeploymentId
    RETURNING v.Version
)
SELECT EXISTS (SELECT 1 FROM bumped) AS Updated
$q$),

-- Liveness heartbeat: not versioned, it does not change the table's ETag.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId
  AND Address = @Address AND Port = @Port AND Generation = @Generation
$q$),

-- The version row joined with one silo's row: always one row while the cluster exists; the silo
-- columns are NULL (StartTime NULL means "no such silo") when the silo has no row.
('MembershipReadRowKey', $q$
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId
$q$),

-- The version row joined with every silo row of the cluster (one row with NULL silo columns if none).
('MembershipReadAllKey', $q$
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId
ORDER BY m.StartTime, m.Address, m.Port, m.Generation
$q$),

-- Gateways for clients: silos in @Status (Active) that listen for clients.
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
$q$),

-- Removes a whole cluster: its silo rows and its version row.
('DeleteMembershipTableEntriesKey', $q$
WITH members AS (
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId
)
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
$q$),

-- Removes rows of dead silos (Status 6) not heard of since @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime
$q$),

-- Optional key: when present the provider reads the table, picks the dead silos it finds old enough,
-- and removes each one only if its row is still exactly what it read (same start, liveness and
-- suspicions), so a row that changed meanwhile is left for the next round.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND coalesce(SuspectTimes, '') = coalesce(@SuspectTimes, '')
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
