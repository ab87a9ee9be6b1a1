-- Several bot processes may share one PostgreSQL database: a process claims the due
-- timers it fires, for a while (the lease), so no other fires them meanwhile, and a
-- claim whose process died is taken over once its lease ends. SQLite serves one process
-- (the instance lock): the columns stay empty there. The shard claims live beside an
-- SQLite file (<database>.shards); the table is PostgreSQL's, kept here so both engines
-- hold the same schema.
--   lease_owner  the process firing the timer (host:pid:random), NULL when none
--   lease_until  until when its claim holds unless renewed (an instant, as due_at)
ALTER TABLE timers ADD COLUMN lease_owner TEXT;
ALTER TABLE timers ADD COLUMN lease_until TEXT;

CREATE TABLE shard_claims (
    holder      TEXT    PRIMARY KEY,   -- a random id of one process's claim
    pid         INTEGER NOT NULL,
    host        TEXT    NOT NULL,
    shard_count INTEGER NOT NULL,
    shard_ids   TEXT    NOT NULL,      -- JSON list of the shards it serves
    heartbeat   TEXT    NOT NULL       -- when it last said it was alive (an instant)
);
