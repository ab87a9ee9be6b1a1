-- Who facilitates a meeting date and which session was run for it are facilitation's
-- data: facilitator_assignments.user_id and sessions.occurrence_id already hold them.
-- meeting_occurrences kept a copy of each (facilitator_id, session_id); the copies go.
-- Where a copy holds something the facilitation tables lack, it is moved there first.

-- The rotation wrote both together, so they agree unless something else wrote the copy.
-- A date naming a facilitator the rotation has no row for: kept as one who said yes.
INSERT INTO facilitator_assignments (occurrence_id, guild_id, user_id, status, offers, assigned_at)
    SELECT o.id, o.guild_id, o.facilitator_id, 'accepted', 1, o.created_at
    FROM meeting_occurrences o
    WHERE o.facilitator_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM facilitator_assignments a WHERE a.occurrence_id = o.id);

-- A date naming a facilitator where the rotation's row holds nobody: the name is kept.
UPDATE facilitator_assignments
    SET user_id = (SELECT o.facilitator_id FROM meeting_occurrences o
                   WHERE o.id = facilitator_assignments.occurrence_id),
        status = 'accepted'
    WHERE user_id IS NULL
      AND EXISTS (SELECT 1 FROM meeting_occurrences o
                  WHERE o.id = facilitator_assignments.occurrence_id
                    AND o.facilitator_id IS NOT NULL);

-- Where both name someone and differ, the rotation's row wins: it is the one the offers,
-- answers and hand-overs were written to, the date's copy only followed it.

-- A session the date names that does not name the date itself. (A session naming
-- another date keeps its own: it was written when the session started, the date's copy
-- when it ended, from it.)
UPDATE sessions
    SET occurrence_id = (SELECT MIN(o.id) FROM meeting_occurrences o
                         WHERE o.session_id = sessions.id)
    WHERE occurrence_id IS NULL
      AND EXISTS (SELECT 1 FROM meeting_occurrences o WHERE o.session_id = sessions.id);

DROP INDEX meeting_occurrences_facilitator;
ALTER TABLE meeting_occurrences DROP COLUMN facilitator_id;
ALTER TABLE meeting_occurrences DROP COLUMN session_id;
