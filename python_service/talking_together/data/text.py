"""What the synthetic people say: grammar templates over a small part-of-speech vocabulary.

The words only need to be varied and pronounceable, and the sentences only need to look
like conversation (questions and their answers, statements, reactions, backchannels), so
that the phoneme statistics and the turn structure are plausible. Meaning is not modelled.
The vocabulary is shipped here, tagged by part of speech, because templates need the tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

NAMES = (
    "Anna", "Ben", "Carla", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "Jack", "Kate",
    "Leo", "Maria", "Nick", "Olivia", "Paul", "Rosa", "Sam", "Tina", "Victor", "Wendy", "Zoe",
)
NOUNS = (
    "report", "meeting", "kitchen", "garden", "bicycle", "concert", "movie", "book", "train",
    "flight", "dinner", "project", "weekend", "office", "market", "holiday", "coffee", "window",
    "camera", "phone", "letter", "doctor", "teacher", "neighbour", "river", "mountain", "beach",
    "museum", "restaurant", "party", "game", "song", "picture", "computer", "car", "house",
    "apartment", "city", "village", "school", "class", "lesson", "recipe", "cake", "soup",
    "jacket", "umbrella", "ticket", "plan", "question", "problem", "answer", "idea", "story",
    "budget", "schedule", "presentation", "interview", "team", "client", "package", "bridge",
    "library", "festival", "exhibition", "match", "season", "storm", "island", "forest", "lake",
    "road", "map", "shop", "bakery", "hospital", "station", "airport", "hotel", "room", "table",
    "chair", "lamp", "carpet", "painting", "guitar", "piano", "violin", "album", "podcast",
    "newspaper", "magazine", "email", "spreadsheet", "deadline", "contract", "invoice", "printer",
)
PLACES = (
    "the city", "the office", "the station", "the market", "the beach", "the museum", "the park",
    "the library", "the airport", "the old town", "the lake", "the mountains", "the coast",
    "the new cafe", "the cinema", "the stadium", "the harbour", "the garden centre",
)
TIMES = (
    "yesterday", "last night", "this morning", "last week", "on Monday", "on Friday",
    "last summer", "this afternoon", "a few days ago", "over the weekend", "last month",
)
FUTURE_TIMES = (
    "tomorrow", "next week", "tonight", "on Saturday", "after lunch", "later today",
    "next month", "in the spring", "this evening", "on Thursday",
)
ADJECTIVES = (
    "great", "strange", "beautiful", "difficult", "easy", "expensive", "cheap", "quiet", "busy",
    "wonderful", "terrible", "interesting", "boring", "long", "short", "funny", "serious", "new",
    "old", "lovely", "crowded", "empty", "cold", "warm", "huge", "tiny", "perfect", "messy",
    "brilliant", "awkward", "surprising", "complicated", "relaxing", "exhausting", "noisy",
)
# (base, past, participle)
VERBS = (
    ("see", "saw", "seen"), ("find", "found", "found"), ("finish", "finished", "finished"),
    ("fix", "fixed", "fixed"), ("visit", "visited", "visited"), ("read", "read", "read"),
    ("buy", "bought", "bought"), ("sell", "sold", "sold"), ("paint", "painted", "painted"),
    ("clean", "cleaned", "cleaned"), ("book", "booked", "booked"), ("cancel", "cancelled", "cancelled"),
    ("move", "moved", "moved"), ("check", "checked", "checked"), ("send", "sent", "sent"),
    ("write", "wrote", "written"), ("plan", "planned", "planned"), ("try", "tried", "tried"),
    ("watch", "watched", "watched"), ("build", "built", "built"), ("lose", "lost", "lost"),
    ("change", "changed", "changed"), ("open", "opened", "opened"), ("call", "called", "called"),
)
ADVERBS = ("really", "quite", "pretty", "very", "so", "a bit", "rather", "totally")
# espeak spells out "mm-hmm" and "mhm" letter by letter, so those are left out
BACKCHANNELS = ("uh-huh", "yeah", "right", "okay", "hmm", "I see", "sure", "yes", "oh", "true")
REACTIONS = (
    "Oh, really?", "No way.", "That sounds {adj}.", "Oh, nice.", "Wow.", "Hmm, I don't know.",
    "That's {adv} {adj}.", "Fair enough.", "Oh dear.", "Good for you.", "Interesting.",
)
STATEMENTS = (
    "I {past} the {noun} {time}.",
    "We {past} a {adj} {noun} near {place}.",
    "{name} {past} the {noun} {time}, and it was {adv} {adj}.",
    "The {noun} at {place} was {adv} {adj}.",
    "I think the {noun} is {adv} {adj} this year.",
    "I'm going to {base} the {noun} {future}.",
    "Honestly, the {noun} was {adj}, but the {noun2} was {adj2}.",
    "My {noun} is {adv} {adj}, so I need to {base} it {future}.",
    "{name} said the {noun} would be {adj}.",
    "We should {base} a {noun} at {place} {future}.",
    "I have never {part} a {noun} that {adj} before.",
    "It took ages to {base} the {noun}, but it was worth it.",
)
QUESTIONS = (  # (question, kind): kind "yn" takes yes/no answers, "wh" takes statements
    ("Did you {base} the {noun} {time}?", "yn"),
    ("Have you {part} the new {noun} yet?", "yn"),
    ("Are you going to {place_bare} {future}?", "yn"),
    ("Do you want to {base} the {noun} together?", "yn"),
    ("Is the {noun} still {adj}?", "yn"),
    ("What did you think of the {noun}?", "wh"),
    ("Where did you {base} the {noun}?", "wh"),
    ("When are you going to {base} the {noun}?", "wh"),
    ("How was the {noun} at {place}?", "wh"),
    ("Why was the {noun} so {adj}?", "wh"),
    ("Who {past} the {noun} {time}?", "wh"),
)
YES_NO = ("Yes, {statement}", "Yeah, {statement}", "No, {statement}", "Not yet, but {statement}",
          "Actually, {statement}", "Maybe, {statement}", "Oh yes, {statement}")


def _pick(rng: np.random.Generator, options: tuple) -> object:
    return options[int(rng.integers(len(options)))]


def fill(template: str, rng: np.random.Generator) -> str:
    """Fill every {slot} of a template with a random word of its part of speech."""
    verb = _pick(rng, VERBS)
    slots = {
        "name": _pick(rng, NAMES), "noun": _pick(rng, NOUNS), "noun2": _pick(rng, NOUNS),
        "place": _pick(rng, PLACES), "place_bare": "go to " + str(_pick(rng, PLACES)),
        "time": _pick(rng, TIMES), "future": _pick(rng, FUTURE_TIMES),
        "adj": _pick(rng, ADJECTIVES), "adj2": _pick(rng, ADJECTIVES), "adv": _pick(rng, ADVERBS),
        "base": verb[0], "past": verb[1], "part": verb[2],
    }
    text = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", template.format(**slots))
    return text[0].upper() + text[1:]


def _continue(sentence: str) -> str:
    """Lower-case a sentence's first word so that it can follow "Yes, ..."."""
    first = sentence.split(" ", 1)[0].rstrip(",")
    return sentence if first in ("I", "I'm") or first in NAMES else sentence[0].lower() + sentence[1:]


@dataclass
class Line:
    """One turn of the script: who speaks, what, and what kind of act it is."""

    speaker: int
    text: str
    kind: str  # "statement" | "question" | "answer" | "reaction"


def statement(rng: np.random.Generator) -> str:
    return fill(str(_pick(rng, STATEMENTS)), rng)


def script(rng: np.random.Generator, num_turns: int, max_sentences: int = 3) -> list[Line]:
    """A conversation script: questions get answers from the partner, statements get
    reactions or follow-ups; turns hold one to `max_sentences` sentences."""
    lines: list[Line] = []
    speaker = int(rng.integers(2))
    pending = ""  # the kind of question waiting for an answer, if any
    for _ in range(num_turns):
        parts: list[str] = []
        if pending:
            if pending == "yn":
                parts.append(str(_pick(rng, YES_NO)).format(statement=_continue(statement(rng))))
            else:
                parts.append(statement(rng))
            kind = "answer"
        elif lines and rng.random() < 0.35:
            parts.append(fill(str(_pick(rng, REACTIONS)), rng))
            kind = "reaction"
        else:
            parts.append(statement(rng))
            kind = "statement"
        parts += [statement(rng) for _ in range(int(rng.integers(0, max_sentences)))]
        pending = ""
        if rng.random() < 0.4:
            question, pending = _pick(rng, QUESTIONS)
            parts.append(fill(question, rng))
            kind = "question" if kind == "statement" else kind
        lines.append(Line(speaker, " ".join(parts), kind))
        speaker = 1 - speaker
    return lines


def backchannel(rng: np.random.Generator) -> str:
    return str(_pick(rng, BACKCHANNELS))
