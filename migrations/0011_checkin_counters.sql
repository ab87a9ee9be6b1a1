-- A member's check-in counters, kept instead of recomputed from their whole history at
-- every /checkin me (52 check-ins and answers read and sorted in Python, found by
-- `python -m benchmarks`). They count the CLOSED check-ins only: a week still open is
-- read as it is (it changes with each answer), and folded in when it closes.
--   streak       answered weeks since the last missed one (away weeks neither count nor
--                break it; weeks closed before the member took part are not misses)
--   best_streak  the longest such run
--   answered     answered weeks in all
-- No row means all three are 0. Kept by bot/db/checkins/streaks.py: at each close, at
-- the retention purge, at a member's erasure.
CREATE TABLE checkin_streaks (
    guild_id     INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    streak       INTEGER NOT NULL DEFAULT 0,
    best_streak  INTEGER NOT NULL DEFAULT 0,
    answered     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- The counters of the history already there: the same computation as
-- bot/db/checkins/streaks.py's RECOMPUTE, over every community.
INSERT INTO checkin_streaks (guild_id, user_id, streak, best_streak, answered)
WITH weeks AS (
    SELECT m.guild_id, m.user_id, c.opened_at, c.id AS checkin_id,
        CASE
            WHEN a.id IS NOT NULL THEN 1
            WHEN w.user_id IS NOT NULL THEN NULL
            WHEN c.closes_at <= m.created_at THEN NULL
            ELSE 0
        END AS answered
    FROM members m
    JOIN checkins c ON c.guild_id = m.guild_id AND c.status = 'closed'
    LEFT JOIN checkin_answers a ON a.checkin_id = c.id AND a.user_id = m.user_id
    LEFT JOIN checkin_away w ON w.checkin_id = c.id AND w.user_id = m.user_id
),
runs AS (
    SELECT guild_id, user_id, answered,
        SUM(1 - answered) OVER (
            PARTITION BY guild_id, user_id ORDER BY opened_at, checkin_id
        ) AS run
    FROM weeks WHERE answered IS NOT NULL
),
lengths AS (
    SELECT guild_id, user_id, run, SUM(answered) AS length
    FROM runs GROUP BY guild_id, user_id, run
)
SELECT guild_id, user_id,
    (SELECT last.length FROM lengths last
        WHERE last.guild_id = l.guild_id AND last.user_id = l.user_id
        ORDER BY last.run DESC LIMIT 1),
    MAX(length), SUM(length)
FROM lengths l GROUP BY guild_id, user_id HAVING SUM(length) > 0;
