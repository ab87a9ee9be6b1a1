-- Indexes for scale (found by `python -m benchmarks`): a year of a thousand communities
-- leaves millions of finished timers beside a few thousand pending ones.
--
-- The scheduler asks "when is the next wake-up" and "what is due now" after every
-- change. Filtered by kind, SQLite chose the UNIQUE (kind, key) index and read every
-- timer ever run (84 ms at 100 communities, growing). This index holds only pending
-- timers, in the order the scheduler wakes them, with their kind, so timers of a kind
-- nobody handles are skipped without reading the table (bot/db/timers.py).
CREATE INDEX timers_pending_wake ON timers (COALESCE(retry_at, due_at), kind)
    WHERE status = 'pending';
DROP INDEX timers_pending_due;

-- A community's timers: /plc status counts its pending ones and lists its recent misses
-- (a full scan before), and purging a community deletes them (ON DELETE CASCADE).
CREATE INDEX timers_guild ON timers (guild_id, status);

-- A community's coming meetings (/meeting list, /plc status, /rotation show): the
-- scheduled occurrences of one guild, not every guild's (a scan of all of them before).
CREATE INDEX meeting_occurrences_guild_scheduled ON meeting_occurrences (guild_id, starts_at)
    WHERE status = 'scheduled';
