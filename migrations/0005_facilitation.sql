-- Facilitation: the rotation of facilitators, live sessions run by the bot,
-- their notes, decisions and turns, action items, and the draws of opening questions.
-- Ids that end up in timer keys, nonces or button custom_ids use AUTOINCREMENT, so a
-- deleted row's id never names a new row.

-- Members who volunteered to facilitate. Leaving the rotation keeps the row
-- (active = 0) so counts survive a re-join; /me delete removes it.
CREATE TABLE rotation_volunteers (
    guild_id          INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,
    position          INTEGER NOT NULL,                 -- join order: the round-robin tie-break
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    joined_at         TEXT    NOT NULL,
    left_at           TEXT,
    times_assigned    INTEGER NOT NULL DEFAULT 0 CHECK (times_assigned >= 0),
    last_turn         INTEGER,          -- the community's turn counter when last assigned or skipped
    last_assigned_at  TEXT,
    first_in_line     INTEGER NOT NULL DEFAULT 0 CHECK (first_in_line IN (0, 1)),  -- declined last time
    next_up           INTEGER NOT NULL DEFAULT 0 CHECK (next_up IN (0, 1)),        -- /rotation set-next
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX rotation_one_next_up ON rotation_volunteers (guild_id) WHERE next_up = 1;

-- Who facilitates one meeting date. One row per occurrence, written once: a
-- second assignment run for the same date finds the row and changes nothing.
-- 'none': nobody could be assigned; 'declined': every available volunteer declined.
CREATE TABLE facilitator_assignments (
    occurrence_id  INTEGER PRIMARY KEY REFERENCES meeting_occurrences (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id        INTEGER,
    status         TEXT    NOT NULL
                   CHECK (status IN ('offered', 'accepted', 'declined', 'unanswered', 'none')),
    offers         INTEGER NOT NULL DEFAULT 0,   -- people offered this date so far (timer keys)
    assigned_at    TEXT    NOT NULL,
    answered_at    TEXT,
    CHECK ((user_id IS NULL) = (status IN ('none', 'declined')))
);
CREATE INDEX facilitator_assignments_member ON facilitator_assignments (guild_id, user_id);

-- Volunteers who answered "Can't this time" for a date: not offered it again.
CREATE TABLE facilitator_declines (
    occurrence_id  INTEGER NOT NULL
                   REFERENCES facilitator_assignments (occurrence_id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    declined_at    TEXT    NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;
CREATE INDEX facilitator_declines_member ON facilitator_declines (guild_id, user_id);

-- A live session and, once ended, its stored summary (the practice log). At most one
-- live session per community (a partial unique index). The state a restart resumes
-- from lives here: step, round order, speaker, when the step started and its extra time.
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    occurrence_id    INTEGER REFERENCES meeting_occurrences (id) ON DELETE SET NULL,
    meeting_title    TEXT,
    protocol_id      TEXT    NOT NULL,
    protocol         TEXT    NOT NULL,       -- JSON: the protocol as it was run
    language         TEXT    NOT NULL CHECK (language IN ('fr', 'en')),
    facilitator_id   INTEGER,                -- who started it; NULL once they erased their data
    client_id        INTEGER,                -- codéveloppement's client
    channel_id       INTEGER NOT NULL,       -- where it was started
    thread_id        INTEGER,                -- the session's thread, once opened
    status           TEXT    NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'ended')),
    step_index       INTEGER NOT NULL DEFAULT -1,  -- -1: the opening review; then 0..n-1
    step_started_at  TEXT,
    extra_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (extra_minutes >= 0),
    round_order      TEXT    NOT NULL DEFAULT '[]',  -- JSON member ids of the current round
    turn_index       INTEGER NOT NULL DEFAULT 0,
    current_speaker  INTEGER,
    question         TEXT,                   -- JSON {fr, en}: the question drawn for this step
    version          INTEGER NOT NULL DEFAULT 0,   -- bumped by every change (conditional updates)
    posts            INTEGER NOT NULL DEFAULT 0,   -- sequence of the session's posts (timer keys)
    started_at       TEXT    NOT NULL,
    ended_at         TEXT,
    summary          TEXT                    -- JSON, written when the session ends
);
CREATE UNIQUE INDEX sessions_one_live ON sessions (guild_id) WHERE status = 'live';
CREATE INDEX sessions_guild_started ON sessions (guild_id, started_at);

CREATE TABLE session_participants (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    joined_at   TEXT    NOT NULL,
    PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE INDEX session_participants_member ON session_participants (guild_id, user_id);

-- Each turn of a round, as it ended: spoken (Done, or moved on by Next) or passed.
-- The community's spoken-turn counts (who has spoken least) are counted from here.
CREATE TABLE session_turns (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    step_index  INTEGER NOT NULL,
    turn_index  INTEGER NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('spoke', 'passed')),
    at          TEXT    NOT NULL,
    UNIQUE (session_id, step_index, turn_index)
);
CREATE INDEX session_turns_member ON session_turns (guild_id, user_id);

-- Notes and decisions taken during a session.
CREATE TABLE session_entries (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('note', 'decision')),
    text        TEXT    NOT NULL,
    author_id   INTEGER,                     -- NULL once the author erased their data
    step_index  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX session_entries_session ON session_entries (session_id, id);
CREATE INDEX session_entries_author ON session_entries (guild_id, author_id);

-- Commitments: reviewed at the next session (done / carried over), reminded on the
-- due date by DM. 'carried': still to do, carried over by a review.
CREATE TABLE action_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    session_id     INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    text           TEXT    NOT NULL,
    owner_id       INTEGER NOT NULL,
    due_on         TEXT,                     -- local date 'YYYY-MM-DD' in the community's zone
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'carried')),
    created_by     INTEGER,                  -- NULL once that member erased their data
    created_at     TEXT    NOT NULL,
    done_at        TEXT,
    reviewed_in    INTEGER,                  -- the last session that reviewed it
    carried_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX action_items_status ON action_items (guild_id, status);
CREATE INDEX action_items_owner ON action_items (guild_id, owner_id);

-- Opening questions drawn from a step's pool: no repeat in a community until every
-- question of the pool was drawn once (then a new cycle starts).
CREATE TABLE question_draws (
    guild_id        INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    pool            TEXT    NOT NULL,        -- '{protocol id}:{step index}'
    cycle           INTEGER NOT NULL,
    question_index  INTEGER NOT NULL,
    session_id      INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    drawn_at        TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pool, cycle, question_index)
) WITHOUT ROWID;
