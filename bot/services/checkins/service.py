"""Weekly check-ins: one facade over plain parts that share a :class:`CheckinShared`.

- :mod:`.planning`: ``/checkin schedule``, ``/checkin now``, status;
- :mod:`.opening`: the ``checkin_open`` timer (prompt and thread, the weekly chain);
- :mod:`.closing`: the ``checkin_nudge`` and ``checkin_close`` timers (nudge, digest);
- :mod:`.answers`: the answer form, answers in the thread (through the outbox), the pulse;
- :mod:`.records`: the member's history, the CSV export, personal data, retention.

The interface and the other services call the facade; each use case is the part's own
method, so a part is read and tested on its own.
"""

from __future__ import annotations

from bot.scheduler import TimerKind
from bot.services.base import Core
from bot.services.checkins.answers import CheckinAnswers
from bot.services.checkins.base import CheckinShared
from bot.services.checkins.closing import CheckinClosing
from bot.services.checkins.opening import CheckinOpening
from bot.services.checkins.planning import CheckinPlanning
from bot.services.checkins.records import CheckinRecords
from bot.services.checkins.schedule import CLOSE_KIND, NUDGE_KIND, OPEN_KIND
from bot.services.community import CommunityService, MemberService
from bot.services.outbox import Outbox


class CheckinService:
    name = "checkins"

    def __init__(
        self, core: Core, community: CommunityService, members: MemberService, outbox: Outbox
    ) -> None:
        shared = CheckinShared(core, community, members)
        self.planning = CheckinPlanning(shared)
        self.opening = CheckinOpening(shared)
        self.closing = CheckinClosing(shared)
        self.answers = CheckinAnswers(shared, outbox)
        self.records = CheckinRecords(shared)
        self.questions_for = shared.questions_for
        # Planning
        self.set_schedule = self.planning.set_schedule
        self.open_now = self.planning.open_now
        self.status_lines = self.planning.status_lines
        # The week's life
        self.abandon = self.opening.abandon
        self.nudge_plan = self.closing.nudge_plan
        self.close = self.closing.close
        # Answers and the pulse
        self.answer_form = self.answers.answer_form
        self.edit_form = self.answers.edit_form
        self.save_answer = self.answers.save_answer
        self.vote_pulse = self.answers.vote_pulse
        self.pulse_summary = self.answers.pulse_summary
        # What is kept
        self.history = self.records.history
        self.full_history = self.records.full_history
        self.export_csv = self.records.export_csv
        self.purge_old = self.records.purge_old
        self.export_member = self.records.export_member
        self.posts_of_member = self.records.posts_of_member
        self.delete_member = self.records.delete_member

    def timer_kinds(self) -> list[TimerKind]:
        """Registered once, by the feature's declaration."""
        opening, closing = self.opening, self.closing
        return [
            TimerKind.tell(
                OPEN_KIND,
                opening.on_open,
                opening.on_open_missed,
                said="checkins.status.missed.open",
            ),
            TimerKind.tell(
                NUDGE_KIND,
                closing.on_nudge,
                closing.on_nudge_missed,
                said="checkins.status.missed.nudge",
            ),
            # A digest that late would no longer help; the week still closes.
            TimerKind.drop(
                CLOSE_KIND,
                closing.on_close,
                said="checkins.status.missed.close",
                cleanup=closing.on_close_missed,
            ),
        ]
