-- Communities, members, the audit log, durable timers and the bot's own state.
-- Instants are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (sortable); snowflakes INTEGER.

CREATE TABLE communities (
    guild_id                 INTEGER PRIMARY KEY,
    timezone                 TEXT    NOT NULL,
    language                 TEXT    NOT NULL CHECK (language IN ('fr', 'en')),
    checkin_channel_id       INTEGER,
    questions_channel_id     INTEGER,
    announcements_channel_id INTEGER,
    facilitator_role_id      INTEGER,
    moderation_channel_id    INTEGER,
    reminder_offsets         TEXT    NOT NULL DEFAULT '[1440, 60]',  -- JSON list of minutes
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    left_at                  TEXT    -- the bot was removed from the guild; purged 30 days later
);

-- A member row exists only once someone uses a feature that needs it.
CREATE TABLE members (
    guild_id      INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    timezone      TEXT,
    dm_reminders  INTEGER NOT NULL DEFAULT 1 CHECK (dm_reminders IN (0, 1)),
    away_until    TEXT,     -- a local date 'YYYY-MM-DD', inclusive
    dm_closed_at  TEXT,     -- Discord refused a DM (50007); reminders fall back to the channel
    created_at    TEXT    NOT NULL,
    left_at       TEXT,     -- left the guild; purged 30 days later
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    actor_id  INTEGER,
    action    TEXT    NOT NULL,
    detail    TEXT    NOT NULL DEFAULT '{}',   -- JSON
    at        TEXT    NOT NULL
);
CREATE INDEX audit_log_guild_at ON audit_log (guild_id, at);

-- Everything that must happen later. APScheduler only wakes the bot; this table is
-- the truth, so a restart re-arms every pending row and a done row never runs again.
CREATE TABLE timers (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    key          TEXT    NOT NULL,   -- the occurrence it belongs to, unique per kind
    due_at       TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}',
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'done', 'missed', 'cancelled', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    retry_at     TEXT,               -- after a failed attempt: not before this instant
    late         INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    note         TEXT,
    created_at   TEXT    NOT NULL,
    finished_at  TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX timers_pending_due ON timers (due_at) WHERE status = 'pending';

-- Which targets (channel, member) a timer already reached. With the message nonce,
-- this is what makes a re-run after a crash skip what was already sent.
CREATE TABLE timer_deliveries (
    timer_id   INTEGER NOT NULL REFERENCES timers (id) ON DELETE CASCADE,
    target     TEXT    NOT NULL,
    outcome    TEXT    NOT NULL,   -- 'sent', 'fallback' (DM closed, mentioned instead), 'failed'
    message_id INTEGER,
    at         TEXT    NOT NULL,
    PRIMARY KEY (timer_id, target)
) WITHOUT ROWID;

-- Targets Discord refused (deleted channel, lost access): paused until fixed, so the
-- bot neither hammers Discord nor tells the admins more than once.
CREATE TABLE unreachable_targets (
    guild_id    INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    target_id   INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    since       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, target_id)
) WITHOUT ROWID;

CREATE TABLE bot_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
