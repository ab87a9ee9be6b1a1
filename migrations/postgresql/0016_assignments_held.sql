-- /rotation show counted each volunteer's facilitated dates by asking, for every date
-- they were ever given, whether the meeting took place: a year of dates looked up one
-- by one at every show. The rotation now keeps it on its own assignment, told by the
-- meetings when a date is held (the dates already held are marked here), and counts a
-- volunteer's held dates in its index.
--   held  1 once the date took place (over, never cancelled); never reset
ALTER TABLE facilitator_assignments
    ADD COLUMN held BIGINT NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
UPDATE facilitator_assignments a SET held = 1
    FROM meeting_occurrences o
    WHERE o.id = a.occurrence_id AND o.status = 'done';
DROP INDEX facilitator_assignments_member;
CREATE INDEX facilitator_assignments_member ON facilitator_assignments (guild_id, user_id, held);
