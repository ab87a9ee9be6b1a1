"""The rotation of facilitators: the service (:mod:`.service`), who takes a date
(:mod:`.assign`), its timers (:mod:`.timers`), its messages (:mod:`.cards`) and
``/rotation`` (:mod:`.interface`)."""
