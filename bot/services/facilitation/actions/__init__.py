"""Actions members commit to in sessions: the service and its due-date reminder
(:mod:`.service`), their messages (:mod:`.cards`) and ``/actions`` (:mod:`.interface`)."""
