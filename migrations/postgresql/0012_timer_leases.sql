-- Several bot processes share this database: a process claims the due timers it fires
-- for a while (the lease), so no other fires them meanwhile; a claim whose process died
-- is taken over once its lease ends.
--   lease_owner  the process firing the timer (host:pid:random), NULL when none
--   lease_until  until when its claim holds unless renewed (an instant, as due_at)
ALTER TABLE timers ADD COLUMN lease_owner TEXT COLLATE "C";
ALTER TABLE timers ADD COLUMN lease_until TEXT COLLATE "C";

-- Which process serves which of Discord's shards, with its heartbeat: two processes
-- given overlapping shards refuse to start, whatever host they run on.
CREATE TABLE shard_claims (
    holder      TEXT COLLATE "C" PRIMARY KEY,
    pid         BIGINT NOT NULL,
    host        TEXT COLLATE "C" NOT NULL,
    shard_count BIGINT NOT NULL,
    shard_ids   TEXT COLLATE "C" NOT NULL,
    heartbeat   TEXT COLLATE "C" NOT NULL
);
