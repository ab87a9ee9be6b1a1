"""The practice log: every session summary as one Markdown document (:mod:`.service`),
downloaded with ``/practices export`` (:mod:`.interface`)."""
