-- Anonymous questions and topic proposals, their votes, reports and rate limits, and
-- blocked authors.
--
-- No column holds an anonymous author's Discord id, name or any reversible form of
-- them. The only links to a person are keyed hashes (HMAC-SHA256 with the
-- [privacy] secret), each computed over a fresh random nonce or over the item
-- itself, so two rows of one person look unrelated without the secret.
-- A topic its proposer chose to sign is the one exception: proposer_id is kept so
-- the name can be shown, exported and erased.

CREATE TABLE questions (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    ref                TEXT    NOT NULL UNIQUE,  -- random; the only id in custom_ids and timer keys
    kind               TEXT    NOT NULL CHECK (kind IN ('question', 'topic')),
    number             INTEGER,                  -- "#N" per community and kind, given when posted, so it does not tell the order of submission
    text               TEXT    NOT NULL,         -- the question, or the topic's title
    details            TEXT    NOT NULL DEFAULT '',  -- the question's topic, or the topic's details
    proposer_id        INTEGER,                  -- a signed topic only; NULL for anything anonymous
    status             TEXT    NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'review', 'approved', 'posted', 'rejected',
                                         'removed', 'failed')),
    reviewed           TEXT    CHECK (reviewed IN ('approved', 'rejected')),
    review_channel_id  INTEGER,
    review_message_id  INTEGER,
    channel_id         INTEGER,                  -- the public post
    message_id         INTEGER,
    thread_id          INTEGER,
    answered_at        TEXT,
    discussed_at       TEXT,
    session_ref        TEXT,                     -- the live session that discussed it
    -- HMAC(secret, "question"|guild|user|nonce): lets the bot, and only it, test
    -- whether a later author is the same person (to block them). Erased after 14 days.
    author_nonce       BLOB,
    author_handle      BLOB,
    handle_expires_at  TEXT,                     -- midnight UTC, so it does not date the submission
    posted_at          TEXT,
    UNIQUE (guild_id, kind, number),
    CHECK (proposer_id IS NULL OR kind = 'topic'),
    CHECK ((author_nonce IS NULL) = (author_handle IS NULL))
);
CREATE INDEX questions_open ON questions (guild_id, status);
CREATE INDEX questions_handle_expiry ON questions (handle_expires_at)
    WHERE handle_expires_at IS NOT NULL;

-- One row per submission, for the rate limit. Each row has its own nonce, so rows of
-- one author cannot be grouped without the secret. Deleted once out of the window.
CREATE TABLE question_rate (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    nonce     BLOB    NOT NULL,
    tag       BLOB    NOT NULL,   -- HMAC(secret, "rate"|guild|user|nonce)
    at        TEXT    NOT NULL
);
CREATE INDEX question_rate_guild_at ON question_rate (guild_id, at);

-- Blocked anonymous authors: a copy of the blocked question's nonce and handle, so a
-- later /ask is refused when HMAC(secret, "question"|guild|user|nonce) matches.
-- Kept until the community goes: keyed hashes only.
CREATE TABLE question_blocks (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES communities (guild_id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('question', 'topic')),
    number       INTEGER,            -- "#N" the moderators blocked from (NULL: from review)
    nonce        BLOB    NOT NULL,
    handle       BLOB    NOT NULL,
    blocked_at   TEXT    NOT NULL,
    UNIQUE (guild_id, handle)
);

-- One upvote per member and item. The voter is HMAC(secret, "upvote"|guild|user|ref):
-- a different value on every item, so votes cannot be grouped by person.
CREATE TABLE question_upvotes (
    question_id  INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    voter        BLOB    NOT NULL,
    PRIMARY KEY (question_id, voter)
) WITHOUT ROWID;

-- One report per member and item (the reason goes to the moderators, not here).
CREATE TABLE question_reports (
    question_id  INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    reporter     BLOB    NOT NULL,   -- HMAC(secret, "report"|guild|user|ref)
    reported_at  TEXT    NOT NULL,
    PRIMARY KEY (question_id, reporter)
) WITHOUT ROWID;
