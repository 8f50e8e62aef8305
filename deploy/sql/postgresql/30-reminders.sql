-- MicroSeg cluster mode, PostgreSQL 15: Orleans reminders (Microsoft.Orleans.Reminders.AdoNet).
--
-- One row per (service, grain, reminder name). GrainHash is the grain's uniform hash as a signed 32-bit
-- integer: each silo's reminder service reads the rows of its slice of the hash ring, (@BeginHash,
-- @EndHash]; the provider picks ReadRangeRows1Key when BeginHash < EndHash (signed) and ReadRangeRows2Key
-- for a slice that wraps around. Period is in milliseconds. Version is the reminder's ETag: an upsert
-- always wins and bumps it, a delete needs it.
--
-- Idempotent; applied by the silo after 00-main.sql (see README.md).

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150) NOT NULL,
    GrainId      text         NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime    timestamptz  NOT NULL,
    Period       bigint       NOT NULL,
    GrainHash    integer      NOT NULL,
    Version      integer      NOT NULL,
    CONSTRAINT OrleansRemindersTable_Key PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Guarded rather than CREATE INDEX IF NOT EXISTS, which locks the table against writes even when the
-- index exists; silos re-apply this file at every start while others run.
DO $do$
BEGIN
    IF to_regclass('orleansreminderstable_hash') IS NULL THEN
        CREATE INDEX OrleansRemindersTable_Hash ON OrleansRemindersTable (ServiceId, GrainHash);
    END IF;
END
$do$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- One row with the reminder's new version.
('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT ON CONSTRAINT OrleansRemindersTable_Key DO UPDATE
SET StartTime = EXCLUDED.StartTime,
    Period = EXCLUDED.Period,
    GrainHash = EXCLUDED.GrainHash,
    Version = r.Version + 1
RETURNING Version
$q$),

-- Every reminder of one grain.
('ReadReminderRowsKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId
$q$),

-- One reminder of one grain (no row if it does not exist).
('ReadReminderRowKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
$q$),

-- The slice (@BeginHash, @EndHash] when it does not wrap.
('ReadRangeRows1Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash
$q$),

-- The slice (@BeginHash, @EndHash] when it wraps past the top of the ring (or is the whole ring).
('ReadRangeRows2Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
$q$),

-- One boolean: deleted (the version matched) or not.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
      AND Version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS Deleted
$q$),

-- Every reminder of the service.
('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
