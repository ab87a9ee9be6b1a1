"""Live sessions: starting one and moving through it (:mod:`.service`, :mod:`.opening`,
:mod:`.moves`), what is written during it (:mod:`.records`), its durable posts
(:mod:`.posts`), its messages (:mod:`.cards`) and ``/session`` with its buttons
(:mod:`.interface`, :mod:`.buttons`)."""
