"""A ready-made sample school: the team "PLC Grade 5" and its four members.

Alice Tremblay owns the team (so she sets the community up and facilitates); Bob Martin,
Chloé Gagnon (whose Teams is in French) and David Roy are members. Besides General, the
team has the channels Check-ins, Questions, Announcements and Moderation.
:func:`build_sample_team` returns them by short name: ``sample.user("bob")``,
``sample.channel("Check-ins")``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .state import Team, TeamsChannel, TeamsState, TeamsUser

CHANNELS = ("Check-ins", "Questions", "Announcements", "Moderation")
MEMBERS = {
    "alice": ("Alice Tremblay", "en-US"),
    "bob": ("Bob Martin", "en-US"),
    "chloe": ("Chloé Gagnon", "fr-CA"),
    "david": ("David Roy", "en-US"),
}


@dataclass
class SampleTeam:
    """The tenant's sample: Alice owns the team; Bob, Chloé and David are members."""

    alice: TeamsUser
    bob: TeamsUser
    chloe: TeamsUser
    david: TeamsUser
    team: Team

    def channel(self, name: str) -> TeamsChannel:
        return self.team.channel_named(name)

    def user(self, name: str) -> TeamsUser:
        found: TeamsUser = getattr(self, name)
        return found

    def names(self) -> list[str]:
        return list(MEMBERS)


def build_sample_team(state: TeamsState) -> SampleTeam:
    users = {
        short: state.add_user(name, locale=locale) for short, (name, locale) in MEMBERS.items()
    }
    team = state.add_team(
        "PLC Grade 5", list(users.values()), channels=CHANNELS, owners=(users["alice"],)
    )
    return SampleTeam(team=team, **users)
