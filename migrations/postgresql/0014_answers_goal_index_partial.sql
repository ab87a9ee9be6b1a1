-- Answers stopped naming a goal in 0008 (their numbers are in checkin_progress): goal_id
-- is NULL in every answer since, yet the index on it took an entry for each, one more
-- page written by every answer for nothing. It now holds only the answers that name a
-- goal (none are written): deleting a goal still finds them by index, for its foreign
-- key's SET NULL, without reading every answer.
DROP INDEX checkin_answers_goal;
CREATE INDEX checkin_answers_goal ON checkin_answers (goal_id) WHERE goal_id IS NOT NULL;
