-- A week's answer reports a number for each goal the member chooses (before: one
-- number, given silently to their newest goal). checkin_answers.progress now holds only
-- a number reported with no goal at all; checkin_answers.goal_id is no longer written
-- (a column in a foreign key cannot be dropped).
CREATE TABLE checkin_progress (
    answer_id  INTEGER NOT NULL REFERENCES checkin_answers (id) ON DELETE CASCADE,
    goal_id    INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    value      REAL    NOT NULL,
    PRIMARY KEY (answer_id, goal_id)
) WITHOUT ROWID;
CREATE INDEX checkin_progress_goal ON checkin_progress (goal_id);

INSERT INTO checkin_progress (answer_id, goal_id, value)
    SELECT id, goal_id, progress FROM checkin_answers
    WHERE goal_id IS NOT NULL AND progress IS NOT NULL;
UPDATE checkin_answers SET progress = NULL WHERE goal_id IS NOT NULL;
UPDATE checkin_answers SET goal_id = NULL WHERE goal_id IS NOT NULL;
