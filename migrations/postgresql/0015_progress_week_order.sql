-- A goal's latest number (/goal list, the weekly digest) was found by reading every
-- answer that reported one for it, and each answer's check-in, to sort them by week: a
-- goal reported every week of a year read a hundred rows of two wide tables. Each number
-- now carries its week's order, its check-in (the answer's, which never changes) and when
-- that check-in opened, so the latest is the last entry of one index that holds the
-- number itself.
ALTER TABLE checkin_progress ADD COLUMN checkin_id BIGINT;
ALTER TABLE checkin_progress ADD COLUMN opened_at TEXT COLLATE "C";
UPDATE checkin_progress p SET checkin_id = a.checkin_id, opened_at = c.opened_at
    FROM checkin_answers a JOIN checkins c ON c.id = a.checkin_id
    WHERE a.id = p.answer_id;
ALTER TABLE checkin_progress ALTER COLUMN checkin_id SET NOT NULL;
ALTER TABLE checkin_progress ALTER COLUMN opened_at SET NOT NULL;
-- By goal, in week order (two answers of one week: in the order they were given).
DROP INDEX checkin_progress_goal;
CREATE INDEX checkin_progress_goal ON checkin_progress (
    goal_id, opened_at, checkin_id, answer_id, value
);
