-- Meetings: a series, the dates of it that were announced, and RSVPs.
-- A series is a local date + wall-clock time + IANA zone + a rule from fixed
-- choices; each occurrence's UTC instant is computed in that zone (DST-proof).

CREATE TABLE meetings (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    title               TEXT    NOT NULL,
    duration_minutes    INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    repeat              TEXT    NOT NULL CHECK (repeat IN ('none', 'weekly', 'biweekly', 'monthly')),
    first_date          TEXT    NOT NULL,  -- local 'YYYY-MM-DD': the anchor of the rule
    local_time          TEXT    NOT NULL,  -- local 'HH:MM' in `timezone`
    timezone            TEXT    NOT NULL,  -- IANA name, never an offset
    channel_id          INTEGER,           -- voice or stage channel where it happens
    link                TEXT,              -- http(s) link where it happens
    agenda              TEXT    NOT NULL DEFAULT '',
    protocol_id         TEXT,              -- the session protocol to run, if chosen
    reminder_offsets    TEXT,              -- JSON minutes; NULL: the community's offsets
    event_id            INTEGER,           -- the Discord scheduled event mirroring an occurrence
    event_occurrence_id INTEGER,           -- the occurrence that event was made for
    created_by          INTEGER,           -- NULL once that member erased their data
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    cancelled_at        TEXT
);
CREATE INDEX meetings_guild ON meetings (guild_id) WHERE cancelled_at IS NULL;

-- One row per date that was announced. At most one is 'scheduled' per series: the
-- next one; when it ends it becomes 'done' and the following date is added.
CREATE TABLE meeting_occurrences (
    id                      INTEGER PRIMARY KEY,
    guild_id                INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    meeting_id              INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    local_date              TEXT    NOT NULL,
    starts_at               TEXT    NOT NULL,
    status                  TEXT    NOT NULL DEFAULT 'scheduled'
                            CHECK (status IN ('scheduled', 'cancelled', 'done')),
    facilitator_id          INTEGER,   -- filled by the facilitators' rotation
    session_id              INTEGER,   -- the live session run for it
    announcement_channel_id INTEGER,
    announcement_message_id INTEGER,
    created_at              TEXT    NOT NULL
);
CREATE UNIQUE INDEX meeting_occurrences_one_scheduled
    ON meeting_occurrences (meeting_id) WHERE status = 'scheduled';
CREATE INDEX meeting_occurrences_meeting ON meeting_occurrences (meeting_id, starts_at);
CREATE INDEX meeting_occurrences_facilitator
    ON meeting_occurrences (guild_id, facilitator_id) WHERE facilitator_id IS NOT NULL;

-- One answer per member and occurrence; changing it replaces it.
CREATE TABLE meeting_rsvps (
    guild_id      INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    occurrence_id INTEGER NOT NULL REFERENCES meeting_occurrences (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    answer        TEXT    NOT NULL CHECK (answer IN ('going', 'maybe', 'cant')),
    answered_at   TEXT    NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;
CREATE INDEX meeting_rsvps_member ON meeting_rsvps (guild_id, user_id);
