"""Commands typed to the bot on Teams: names in both languages, options, forms, refusals."""

from __future__ import annotations

from bot.emulator.teams.cards import inputs_of, walk
from bot.services.facilitation.rotation.service import RotationService
from tests.teams.harness import TeamsHarness, card_text, text_of


async def _line(teams: TeamsHarness) -> list[int]:
    rotation = teams.app.services.get(RotationService)
    from bot.actor import Actor

    view = await rotation.show(Actor(guild_id=await teams.team_number(), user_id=1))
    return [entry.user_id for entry in view.line]


async def test_a_command_without_its_options_answers_with_a_form_whose_submit_runs_it(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    for member in ("bob", "chloe"):
        await teams.command(member, "rotation join", channel="Check-ins")
    assert await _line(teams) == [await teams.user_number(n) for n in ("bob", "chloe")]
    await teams.command("alice", "rotation set-next", channel="Check-ins")
    form = teams.last_private("alice")  # the form comes to her 1:1 chat, for her only
    assert "rotation set-next" in card_text(form)
    choices = [c["title"] for c in form.card["body"][2]["choices"]]  # type: ignore[index]
    assert "Chloé Gagnon" in choices and "Bob Martin" in choices

    chloe = teams.world.chloe.id
    done = await teams.click("alice", form, "Submit", member=chloe)
    assert done.status == 200 and "Sent" in text_of(done.card)
    assert "Sent" in card_text(form)  # the form is closed for good
    assert await _line(teams) == [await teams.user_number(n) for n in ("chloe", "bob")]
    assert "Rotation of facilitators" in card_text(teams.last_private("alice"))


async def test_options_by_name_and_members_by_mention(teams: TeamsHarness) -> None:
    await teams.setup_community()
    for member in ("bob", "chloe"):
        await teams.command(member, "rotation join", channel="Check-ins")
    await teams.command(
        "alice", "rotation set-next member:@Chloé Gagnon", channel="Check-ins", naming=("chloe",)
    )
    assert await _line(teams) == [await teams.user_number(n) for n in ("chloe", "bob")]
    await teams.command("alice", 'rotation set-next membre:"Bob Martin"')  # French name, by name
    assert await _line(teams) == [await teams.user_number(n) for n in ("bob", "chloe")]


async def test_a_french_member_types_the_french_names_and_reads_french(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("chloe", "rotation rejoindre", channel="Check-ins")
    assert "Vous avez rejoint la rotation" in card_text(teams.last_private("chloe"))
    await teams.command("chloe", "ROTATION Afficher")  # case and channel aside
    assert card_text(teams.last_private("chloe")).startswith("Rotation de l'animation\nOrdre")
    await teams.command("chloe", "aide")
    listed = card_text(teams.last_private("chloe"))
    assert "**rotation choisir-suivant** — Choisir qui animera ensuite" in listed
    assert "en prend les champs de la même façon et l'ouvre rempli" in listed
    await teams.command("chloe", "rotation danser")
    assert "Je ne connais pas la commande « rotation danser »" in card_text(
        teams.last_private("chloe")
    )


async def test_a_mistyped_command_is_answered_with_the_one_meant(teams: TeamsHarness) -> None:
    """Teams has no list to pick commands from while typing: a command not found names
    the nearest one, or a group's commands, in the member's language."""
    await teams.setup_community()
    await teams.command("chloe", 'reunion planifier titre:"CAP" quand:"demain 15h"')
    assert (
        "Je ne connais pas la commande « reunion planifier ». Vouliez-vous dire "
        "**rencontre planifier** ?" in card_text(teams.last_private("chloe"))
    )
    await teams.command("bob", "plc stat")
    assert "Did you mean **plc status**?" in card_text(teams.last_private("bob"))
    await teams.command("bob", "checkin")
    assert (
        "I don't know the command “checkin”. Did you mean one of **checkin schedule**, "
        "**checkin now**, **checkin me**, **checkin export**?"
    ) in card_text(teams.last_private("bob"))
    await teams.command("bob", "hello there")  # nothing near: the way to the list
    assert card_text(teams.last_private("bob")) == (
        "I don't know the command “hello there”. Type **help** for the list."
    )


async def test_a_forms_fields_typed_after_its_command_open_it_filled(teams: TeamsHarness) -> None:
    """``goal set title:…`` (English or French names): the form opens with them, to finish
    and submit; ``ask`` followed by words takes them as the question; a choice by the
    start of its label in the member's language."""
    await teams.setup_community()
    await teams.command("bob", 'goal set title:Reading measure:"% at level 3" due:2027-06-30')
    form = teams.last_private("bob")
    values = {key: node.get("value") for key, node in inputs_of(form.card).items()}
    assert values == {
        "title": "Reading",
        "measure": "% at level 3",
        "baseline": None,
        "target": None,
        "due": "2027-06-30",
    }
    done = await teams.click("bob", form, "Submit", baseline="40", target="75")
    assert done.status == 200
    assert "Goal saved: **Reading**, from 40 to 75 (% at level 3)" in card_text(
        teams.last_private("bob")
    )

    await teams.command("chloe", "objectif definir titre:Lecture cible:75")
    filled = inputs_of(teams.last_private("chloe").card)
    assert (filled["title"].get("value"), filled["target"].get("value")) == ("Lecture", "75")
    await teams.command("chloe", 'theme proposer titre:Devoirs anonyme:"non"')
    assert inputs_of(teams.last_private("chloe").card)["anonymous"]["value"] == "no"
    await teams.command("bob", "ask Is there a rubric for oral work?")
    asked = inputs_of(teams.last_private("bob").card)
    assert asked["question"]["value"] == "Is there a rubric for oral work?"
    # A name that is neither an option nor a field is still refused, naming the options.
    await teams.command("bob", "goal set colour:blue")
    assert "This command has no option “colour”. Its options: scope." in card_text(
        teams.last_private("bob")
    )


async def test_an_anonymous_forms_words_typed_in_a_channel_are_not_taken(
    teams: TeamsHarness,
) -> None:
    """``demander …`` typed in a channel is there under the member's name for everyone:
    no form opens filled with it, nothing reaches the moderators, and the member is told
    privately, in their language, to type the command alone in the 1:1 chat, where it
    opens empty (typed with words there, it still opens filled)."""
    await teams.setup_community()
    await teams.command(
        "chloe", "demander Y a-t-il une grille pour la lecture ?", channel="Check-ins"
    )
    told = teams.last_private("chloe")
    assert inputs_of(told.card) == {}  # no form, filled or not
    assert card_text(told) == (
        "Vous avez écrit ces mots dans le canal, où tout le monde les lit sous votre nom : "
        "ils ne seraient pas anonymes, alors je ne les ai pas repris et rien n'a été envoyé. "
        "Pour rester anonyme, écrivez seulement **demander** ici, dans notre conversation "
        "privée : le formulaire s'ouvrira vide, à remplir."
    )
    await teams.command("bob", 'topic propose title:"Homework load"', channel="Check-ins")
    assert card_text(teams.last_private("bob")).startswith(
        "You typed these words in the channel, where everyone reads them under your name"
    )
    assert "type **topic propose** alone here" in card_text(teams.last_private("bob"))
    assert teams.posts_in("Moderation") == []
    assert [card_text(m) for m in teams.posts_in("Check-ins")] == [
        "📬 Je vous ai répondu dans notre conversation privée : vous seul·e la voyez.",
        "📬 I answered you in our 1:1 chat: only you can see it there.",
    ]

    await teams.command("chloe", "demander")  # alone, in the 1:1 chat: the form, empty
    assert inputs_of(teams.last_private("chloe").card)["question"].get("value") is None
    await teams.command("chloe", "demander Y a-t-il une grille ?")  # private: filled
    asked = inputs_of(teams.last_private("chloe").card)
    assert asked["question"]["value"] == "Y a-t-il une grille ?"

    # Words that name no field of the form are under her name in the channel all the same.
    await teams.command("chloe", 'demander sujet:"Évaluation" couleur:bleu', channel="Check-ins")
    assert card_text(teams.last_private("chloe")).startswith(
        "Vous avez écrit ces mots dans le canal"
    )
    assert teams.posts_in("Moderation") == []


async def test_a_forms_field_is_also_named_by_its_label(teams: TeamsHarness) -> None:
    """« Sujet » labels the field ``theme:`` fills: ``demander sujet:…`` (accents and
    case aside, in either language) fills it too."""
    await teams.setup_community()
    await teams.command("chloe", 'demander sujet:"Évaluation" Y a-t-il une grille ?')
    asked = inputs_of(teams.last_private("chloe").card)
    assert asked["topic"]["value"] == "Évaluation"
    assert asked["question"]["value"] == "Y a-t-il une grille ?"
    await teams.command("bob", 'ask TOPIC:"Grading"')
    assert inputs_of(teams.last_private("bob").card)["topic"]["value"] == "Grading"
    await teams.command("chloe", 'theme proposer thème:"Devoirs"')
    assert inputs_of(teams.last_private("chloe").card)["title"]["value"] == "Devoirs"


async def test_bad_options_are_refused_with_a_clear_message_and_nothing_changes(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    await teams.command("alice", "rotation set-next member:Nobody")
    assert "Nobody named “Nobody” is in this team (member)" in card_text(
        teams.last_private("alice")
    )
    await teams.command("alice", "rotation set-next colour:blue")
    assert "This command has no option “colour”. Its options: member." in card_text(
        teams.last_private("alice")
    )
    # A command without options typed with some: said so, not "Its options: —". (`ask`'s
    # form fields, typed so, fill its form: test_a_forms_fields_typed_after_its_command…)
    await teams.command("alice", "checkin me week:3")
    assert "This command takes no options: type it alone" in card_text(teams.last_private("alice"))
    await teams.command("alice", "ask colour:blue")
    assert "This command takes no options: type it alone" in card_text(teams.last_private("alice"))
    await teams.command("chloe", "bilan moi les 12 dernières semaines")
    assert "Cette commande ne prend pas d'option : tapez-la seule" in card_text(
        teams.last_private("chloe")
    )
    await teams.command(
        "bob", "rotation set-next member:@Bob Martin", channel="Check-ins", naming=("bob",)
    )
    assert "Only facilitators can do this" in card_text(teams.last_private("bob"))
    assert await _line(teams) == [await teams.user_number("bob")]


async def test_a_number_below_an_open_range_says_the_one_limit_in_words(
    teams: TeamsHarness,
) -> None:
    """``numero:0`` where numbers start at 1 and have no maximum: « numero doit valoir 1
    ou plus. », never a range ending in a literal ellipsis."""
    await teams.setup_community()
    teams.world.user("alice").locale = "fr-CA"
    for typed in ("questions debloquer numero:0", "questions moderer numero:-3"):
        await teams.command("alice", typed)
        said = card_text(teams.last_private("alice"))
        assert said == "numero doit valoir 1 ou plus.", said
    teams.world.user("alice").locale = "en-US"
    await teams.command("alice", "questions unblock number:0")
    assert card_text(teams.last_private("alice")) == "number must be 1 or more."


async def test_the_bot_mentioned_alone_answers_with_the_list_of_commands(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("david", "", channel="Check-ins")
    listed = card_text(teams.last_private("david"))
    assert listed.startswith("**Commands**") and "**rotation join** — " in listed


async def test_a_private_answer_teams_refuses_is_never_posted_for_all_to_see(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    teams.emu.block(teams.world.bob)
    await teams.command("bob", "rotation join", channel="Check-ins")
    [note] = teams.posts_in("Check-ins")
    assert card_text(note).startswith("I could not answer you in our 1:1 chat")
    assert "joined the rotation" not in card_text(note)
    assert await _line(teams) == [await teams.user_number("bob")]  # the command still ran


async def test_a_meeting_on_teams_is_placed_by_its_link_never_by_a_voice_channel(
    teams: TeamsHarness,
) -> None:
    """Teams has no voice or stage channels: the meeting's form does not ask for one, a
    typed one is refused in words (in the member's language) and nothing is saved."""
    from bot.services.meetings import MeetingService

    await teams.setup_community()
    await teams.command("alice", "meeting schedule")
    form = teams.last_private("alice")
    asked = [n["id"] for n in form.card["body"] if str(n.get("type")).startswith("Input.")]  # type: ignore[index]
    assert "channel" not in asked and "link" in asked

    typed = 'meeting schedule title:"Team meeting" when:"2026-12-10 15:30" channel:General'
    await teams.command("alice", typed, channel="Check-ins")
    assert card_text(teams.last_private("alice")) == (
        "Teams has no voice or stage channels: the option channel cannot be used here. "
        "Give the meeting's link instead (link:…)."
    )
    await teams.command(  # chloe reads Teams in French; all she typed is read first
        "chloe", 'rencontre planifier titre:"Équipe" quand:"2026-12-10 15:30" salon:General'
    )
    assert card_text(teams.last_private("chloe")).startswith(
        "Teams n'a ni canaux vocaux ni scènes : l'option salon ne peut pas servir ici."
    )
    meetings = teams.app.services.get(MeetingService)
    assert await meetings.upcoming(await teams.team_number()) == []


async def test_a_command_typed_in_a_channel_says_there_its_answer_is_in_the_1_1_chat(
    teams: TeamsHarness,
) -> None:
    """Teams shows nothing of a 1:1 chat in a channel: without a word under what they
    typed, a member would see no answer at all."""
    await teams.setup_community()
    typed = await teams.command("bob", "rotation join", channel="Check-ins")
    assert "You joined the rotation" in card_text(teams.last_private("bob"))
    assert typed.message is not None
    [pointer] = teams.posts_in("Check-ins")
    assert card_text(pointer) == "📬 I answered you in our 1:1 chat: only you can see it there."
    assert pointer.root_id == typed.message.id  # in the reply chain under his command

    await teams.command("chloe", "rotation afficher", channel="Check-ins")  # in her language
    said = [card_text(m) for m in teams.posts_in("Check-ins")]
    assert said[1] == "📬 Je vous ai répondu dans notre conversation privée : vous seul·e la voyez."

    await teams.command("david", "rotation join")  # in the 1:1 chat: nothing to point to
    await teams.command("alice", "rotation set-next", channel="Check-ins")  # a form: pointed
    assert len(teams.posts_in("Check-ins")) == 3
    channels = ("General", "Announcements", "Questions", "Moderation")
    assert all(teams.posts_in(c) == [] for c in channels if c != "General") and not [
        m for m in teams.posts_in("General") if card_text(m).startswith("📬")
    ]


async def test_a_clicks_private_answer_is_not_pointed_to_in_the_channel(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("alice", 'meeting schedule title:"Team" when:"2026-12-09 16:00"')
    await teams.click("alice", teams.last_private("alice"), "Confirm")
    [announcement] = teams.posts_in("Announcements")
    await teams.click("bob", announcement, "Going")
    assert "You are marked **Going**" in card_text(teams.last_private("bob"))
    assert teams.posts_in("Announcements") == [announcement]


async def test_a_command_typed_alone_runs_with_its_defaults_as_its_slash_command_does(
    teams: TeamsHarness,
) -> None:
    """Only a command whose options are what it is for asks for them first."""
    await teams.setup_community()
    await teams.command("bob", "questions top")
    assert "Most upvoted open questions and topics" in card_text(teams.last_private("bob"))
    await teams.command("bob", "actions")
    assert "Submit" not in card_text(teams.last_private("bob"))  # the list, not a form
    await teams.command("bob", "goal set")  # the goal's own form at once, not its scope's
    form = teams.last_private("bob")
    asked = [n["id"] for n in walk(form.card or {}) if str(n.get("type")).startswith("Input.")]
    assert "scope" not in asked and len(asked) == 5, asked

    await teams.command("bob", "me language")  # a choice is what it is for: a form
    chosen = teams.last_private("bob")
    asked = [n["id"] for n in walk(chosen.card or {}) if str(n.get("type")).startswith("Input.")]
    assert asked == ["language"]


async def test_a_command_that_posted_where_it_was_typed_gets_no_pointer(
    teams: TeamsHarness,
) -> None:
    """A session started in a channel runs in the reply chain under the command: the
    member sees the bot answered there, so nothing is added to the session's thread."""
    await teams.setup_community()
    typed = await teams.command(
        "alice", "session start protocol:checkin-round", channel="Check-ins"
    )
    assert "started in **Check-ins**" in card_text(teams.last_private("alice"))
    assert typed.message is not None
    posted = teams.posts_in("Check-ins")
    assert posted and all(m.root_id == typed.message.id for m in posted)  # the session
    assert not [m for m in posted if card_text(m).startswith("📬")]


async def test_a_session_started_by_its_form_runs_in_the_channel_it_was_typed_in(
    teams: TeamsHarness,
) -> None:
    """``session start`` typed alone asks for its options in the 1:1 chat; submitted
    there, the session starts in the channel, not "this command works in a team"."""
    await teams.setup_community()
    typed = await teams.command("alice", "session start", channel="Check-ins")
    assert typed.message is not None
    form = teams.last_private("alice")
    assert "session start" in card_text(form)
    done = await teams.submit("alice", form, protocol="checkin-round")
    assert done.status == 200
    assert "started in **Check-ins**" in card_text(teams.last_private("alice"))
    session = [m for m in teams.posts_in("Check-ins") if not card_text(m).startswith("📬")]
    assert session and all(m.root_id == typed.message.id for m in session)
    assert any("Quick check-in round" in card_text(m) for m in session)


async def test_a_wrong_choice_lists_the_choices_as_the_member_reads_them(
    teams: TeamsHarness,
) -> None:
    """What the member may type: each choice's label in their language, and its value."""
    await teams.setup_community()
    await teams.command("alice", "meeting schedule title:PLC when:tomorrow repeat:fortnightly")
    assert (
        "“fortnightly” is not a choice for repeat. Choose one of: “Does not repeat” (none), "
        "“Every week” (weekly), “Every two weeks” (biweekly)"
    ) in card_text(teams.last_private("alice"))
    await teams.command("chloe", "moi rappels etat:peut-etre")
    assert (
        "« peut-etre » n'est pas un choix possible pour etat. "
        "Choisissez parmi : « activer » (on), « désactiver » (off)."
    ) in card_text(teams.last_private("chloe"))
    await teams.command("chloe", "questions populaires public:peut-etre")
    assert "Choisissez parmi : oui, non." in card_text(teams.last_private("chloe"))
    await teams.command("bob", "me reminders state:maybe")
    assert "Choose one of: “on”, “off”." in card_text(teams.last_private("bob"))
    # A label is typed as shown, in either language.
    await teams.command("bob", "me reminders state:désactiver")
    assert "are **off**" in card_text(teams.last_private("bob"))


async def test_a_choice_is_typed_by_its_french_name_or_the_start_of_one_label(
    teams: TeamsHarness,
) -> None:
    """What ``objectif liste`` suggests (``portee : Objectif commun``) is taken, as are a
    value's French name (``communaute``, ``hebdomadaire``) and the start of a label only
    one choice has, in either language; a start several choices share is refused, naming
    them, and nothing is saved."""
    from bot.services.meetings import MeetingService

    await teams.setup_community()
    for typed in ('objectif definir portee:"Objectif commun"', "goal set scope:communaute"):
        await teams.command("alice", typed)
        assert card_text(teams.last_private("alice")).startswith("Set a community goal"), typed
    await teams.command("alice", "goal set scope:my")  # "My own goal"
    assert card_text(teams.last_private("alice")).startswith("Set a goal")

    meetings = teams.app.services.get(MeetingService)
    await teams.command(
        "chloe", 'rencontre planifier titre:CAP quand:"2026-12-10 15:30" repetition:chaque'
    )
    assert card_text(teams.last_private("chloe")) == (
        "« chaque » peut désigner plusieurs choix pour repetition : « Chaque semaine » "
        "(weekly), « Chaque mois (même jour, p. ex. premier mardi) » (monthly). "
        "Écrivez-en davantage pour préciser lequel."
    )
    await teams.command("alice", 'meeting schedule title:PLC when:"2026-12-10 15:30" repeat:every')
    assert card_text(teams.last_private("alice")).startswith(
        "“every” could be several choices for repeat: “Every week” (weekly), "
        "“Every two weeks” (biweekly), “Every month"
    )
    assert await meetings.upcoming(await teams.team_number()) == []
    await teams.command(
        "alice", 'rencontre planifier titre:CAP quand:"2026-12-10 15:30" repetition:hebdomadaire'
    )
    await teams.click("alice", teams.last_private("alice"), "Confirm")
    [meeting] = await meetings.upcoming(await teams.team_number())
    assert meeting.meeting.repeat == "weekly"


async def test_a_command_form_reads_in_the_members_language(teams: TeamsHarness) -> None:
    await teams.setup_community()
    for typed, says, asks in (
        ("moi fuseau", "Choisir votre fuseau horaire", "Fuseau horaire IANA, p. ex. Europe/Paris"),
        (
            "moi langue",
            "La langue des messages privés que le bot vous envoie",
            "Langue de mes messages privés (auto : celle de votre application)",
        ),
    ):
        await teams.command("chloe", typed)
        form = teams.last_private("chloe")
        assert says in card_text(form)  # what the command does, in French
        labels = [node.get("label") for node in walk(form.card or {})]
        assert asks in labels, labels  # its option, in French


async def test_an_option_is_named_with_its_apostrophe_as_french_writes_it(
    teams: TeamsHarness,
) -> None:
    """Discord's names cannot hold an apostrophe, so **moi absence** takes ``jusqu_au``; a
    member writes « jusqu'au » (Teams' typographic ’ too): it names that option."""
    await teams.setup_community()
    for typed in ("moi absence jusqu'au:vendredi", "moi absence jusqu’au:vendredi"):
        await teams.command("chloe", typed)
        said = card_text(teams.last_private("chloe"))
        assert said.startswith("Vous êtes indiqué·e absent·e jusqu'au"), said
    await teams.command("alice", "rencontre planifier titre:CAP ordre-du-jour:Lecture")
    assert inputs_of(teams.last_private("alice").card)["agenda"]["value"] == "Lecture"
