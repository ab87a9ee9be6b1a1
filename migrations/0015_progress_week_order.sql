-- A goal's latest number (/goal list, the weekly digest) was found by reading every
-- answer that reported one for it, and each answer's check-in, to sort them by week: a
-- goal reported every week of a year read a hundred rows of two wide tables. Each number
-- now carries its week's order, its check-in (the answer's, which never changes) and when
-- that check-in opened, so the latest is the last entry of one index that holds the
-- number itself.
CREATE TABLE checkin_progress_by_week (
    answer_id   INTEGER NOT NULL REFERENCES checkin_answers (id) ON DELETE CASCADE,
    goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    value       REAL    NOT NULL,
    checkin_id  INTEGER NOT NULL,
    opened_at   TEXT    NOT NULL,
    PRIMARY KEY (answer_id, goal_id)
) WITHOUT ROWID;

INSERT INTO checkin_progress_by_week (answer_id, goal_id, value, checkin_id, opened_at)
    SELECT p.answer_id, p.goal_id, p.value, a.checkin_id, c.opened_at
    FROM checkin_progress p
    JOIN checkin_answers a ON a.id = p.answer_id
    JOIN checkins c ON c.id = a.checkin_id;

DROP TABLE checkin_progress;
ALTER TABLE checkin_progress_by_week RENAME TO checkin_progress;
-- By goal, in week order (two answers of one week: in the order they were given).
CREATE INDEX checkin_progress_goal ON checkin_progress (
    goal_id, opened_at, checkin_id, answer_id, value
);
