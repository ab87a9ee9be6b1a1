-- Goals and weekly check-ins.
-- Ids that end up in timer keys and message nonces use AUTOINCREMENT: a deleted row's
-- id is never given to a new row, so a finished timer never shadows a new one.

-- A member's goal (owner_id set) or a community goal set by a facilitator (owner_id NULL;
-- who set it is in the audit log, so erasing that facilitator leaves the goal intact).
CREATE TABLE goals (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    scope       TEXT    NOT NULL CHECK (scope IN ('member', 'community')),
    owner_id    INTEGER,
    title       TEXT    NOT NULL,
    measure     TEXT    NOT NULL,   -- how it is measured, with its unit
    baseline    REAL    NOT NULL,
    target      REAL    NOT NULL,
    due_on      TEXT    NOT NULL,   -- a local date 'YYYY-MM-DD'
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at  TEXT    NOT NULL,
    closed_at   TEXT,
    CHECK (target <> baseline),
    CHECK ((scope = 'member') = (owner_id IS NOT NULL))
);
CREATE INDEX goals_owner ON goals (guild_id, owner_id, status);

-- Each /checkin schedule writes a new row and retires the previous one, so the keys of
-- the open timers ('checkin:{schedule_id}:{week}') are never reused by another schedule.
CREATE TABLE checkin_schedules (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id           INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    weekday            INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday
    local_time         TEXT    NOT NULL,   -- 'HH:MM' in the community's time zone
    questions          TEXT,               -- JSON list of custom questions; NULL = defaults
    close_after_hours  INTEGER NOT NULL DEFAULT 48 CHECK (close_after_hours BETWEEN 1 AND 168),
    pulse              INTEGER NOT NULL DEFAULT 0 CHECK (pulse IN (0, 1)),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX checkin_schedules_one_active ON checkin_schedules (guild_id) WHERE active = 1;

-- One check-in per community and week (the ISO week of its opening day, local time).
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    schedule_id  INTEGER REFERENCES checkin_schedules (id) ON DELETE SET NULL,
    week         TEXT    NOT NULL,          -- '2026-W48'
    questions    TEXT,                      -- JSON snapshot of the schedule's custom questions
    pulse        INTEGER NOT NULL CHECK (pulse IN (0, 1)),
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,                   -- the prompt, once posted
    thread_id    INTEGER,                   -- the week's thread, once created
    opened_at    TEXT    NOT NULL,
    closes_at    TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at    TEXT,
    UNIQUE (guild_id, week)
);

-- One answer per member per check-in; edits update the row.
CREATE TABLE checkin_answers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    checkin_id       INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL,
    goal_id          INTEGER REFERENCES goals (id) ON DELETE SET NULL,
    progress         REAL,                  -- the week's value for goal_id (optional)
    texts            TEXT    NOT NULL,      -- JSON list, one answer per text question
    help_text        TEXT    NOT NULL DEFAULT '',  -- the obstacles / help answer (digest)
    post_message_id  INTEGER,               -- the answer's post in the thread
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    UNIQUE (checkin_id, user_id)
);
CREATE INDEX checkin_answers_member ON checkin_answers (guild_id, user_id);
CREATE INDEX checkin_answers_goal ON checkin_answers (goal_id);

-- Members marked away during a check-in's week, written at open and at close so a later
-- /me back or a new away date does not rewrite history (streaks skip these weeks).
CREATE TABLE checkin_away (
    checkin_id  INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (checkin_id, user_id)
) WITHOUT ROWID;

-- The anonymous pulse: no author, only a keyed hash that allows one vote per member.
CREATE TABLE checkin_pulse (
    checkin_id  INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    voter_hash  TEXT    NOT NULL,   -- HMAC(privacy secret, 'pulse|checkin|user')
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (checkin_id, voter_hash)
) WITHOUT ROWID;
