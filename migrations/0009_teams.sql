-- Microsoft Teams: the adapter's own tables. The core knows communities, channels,
-- members and messages by integer ids; Teams names them with strings (a team
-- "19:…@thread.tacv2", a reply chain "19:…;messageid=…", a member "29:…", an activity
-- id). Each Teams id gets a stable NEGATIVE integer here, so a community's platform is
-- known from its id alone (Discord's snowflakes are positive).
CREATE TABLE teams_ids (
    id        INTEGER PRIMARY KEY CHECK (id < 0),
    kind      TEXT    NOT NULL CHECK (kind IN ('team', 'conversation', 'user', 'message')),
    teams_id  TEXT    NOT NULL,
    UNIQUE (kind, teams_id)
);

-- Where the bot reaches a team it was added to (for sends outside a conversation turn).
CREATE TABLE teams_teams (
    team_id      INTEGER PRIMARY KEY REFERENCES teams_ids (id),
    service_url  TEXT    NOT NULL,
    tenant_id    TEXT    NOT NULL,
    name         TEXT,
    updated_at   TEXT    NOT NULL
);

-- What writing to a member in a 1:1 chat needs (a proactive message): known only for
-- members who spoke to the bot or were named in a command; never the team's roster.
CREATE TABLE teams_users (
    user_id        INTEGER PRIMARY KEY REFERENCES teams_ids (id),
    service_url    TEXT    NOT NULL,
    tenant_id      TEXT    NOT NULL,
    personal_chat  TEXT,      -- the 1:1 chat's conversation id, once Teams gave it
    locale         TEXT,      -- the locale of the member's last activity
    last_team_id   INTEGER,   -- the team they last acted in (commands typed in the 1:1 chat)
    updated_at     TEXT    NOT NULL
);
