"""The learned ranker: the shipped weights come from the tuning part alone, reading them refuses
a malformed file, and in the search it reorders what BM25 found without adding to it or making
an answer confident."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.questions import train_ranker
from bot.guide.knowledge import load_entries, load_synonyms
from bot.guide.learned import (
    LEARNED_RANKER_FILE,
    NOT_AN_ENTRY,
    LearnedRanker,
    NearestQuestions,
    load_learned_ranker,
)
from bot.guide.model import Entry
from bot.guide.search import TroubleshootingIndex, default_index
from bot.guide.text_normalise import Normaliser


def test_shipped_weights_are_what_training_on_the_tuning_part_gives_now() -> None:
    entries = load_entries()
    questions = train_ranker.tuning_questions()
    fresh = train_ranker.as_json(
        train_ranker.train(
            TroubleshootingIndex(entries, Normaliser(load_synonyms())), entries, questions
        ),
        questions,
    )
    shipped = json.loads(LEARNED_RANKER_FILE.read_text(encoding="utf-8"))

    assert train_ranker.differences(shipped, json.loads(fresh)) == []
    assert shipped["trained_on"]["questions"] == len(questions)
    # One neighbour per tuning question, and none from anywhere else.
    assert len(shipped["neighbours"]["questions"]) == len(questions)


def test_training_reads_the_tuning_part_only(tmp_path: Path) -> None:
    rows = [
        {"id": "t1", "text": "quota", "label": "insufficient-quota", "split": "tune"},
        {"id": "h1", "text": "secret held-out words", "label": "key-leaked", "split": "heldout"},
    ]
    corpus = tmp_path / "questions.jsonl"
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    assert [row["id"] for row in train_ranker.tuning_questions(corpus)] == ["t1"]


def test_the_check_sees_a_moved_weight() -> None:
    shipped = json.loads(LEARNED_RANKER_FILE.read_text(encoding="utf-8"))
    moved = json.loads(json.dumps(shipped))
    term = next(iter(moved["coefficients"]))
    moved["coefficients"][term][0][1] += 0.5

    assert train_ranker.differences(shipped, shipped) == []
    assert train_ranker.differences(shipped, moved) == [f"weights of {term!r} differ"]


def test_the_check_sees_a_changed_neighbour() -> None:
    shipped = json.loads(LEARNED_RANKER_FILE.read_text(encoding="utf-8"))
    relabelled = json.loads(json.dumps(shipped))
    label, terms = relabelled["neighbours"]["questions"][0]
    relabelled["neighbours"]["questions"][0] = [label + 1, terms]

    assert train_ranker.differences(shipped, relabelled) == ["neighbours differ"]


def test_every_entry_has_a_class_and_the_default_index_uses_the_ranker() -> None:
    ranker = load_learned_ranker()

    assert ranker is not None
    assert set(ranker.classes) == {entry.id for entry in load_entries()}
    assert default_index()._ranker is ranker


def _with_neighbours(**changes: object) -> dict[str, object]:
    neighbours = {"count": 3, "share": 0.3, "idf": {"quota": 2.0}, "questions": [[0, []]]}
    return {
        "version": 2,
        "classes": ["a"],
        "bias": [0.0],
        "coefficients": {},
        "neighbours": neighbours | changes,
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"version": 1, "classes": ["a"], "bias": [0.0], "coefficients": {}},
        {"version": 2, "classes": ["a", "b"], "bias": [0.0], "coefficients": {}},
        {"version": 2, "classes": ["a"], "bias": [0.0], "coefficients": {"quota": [[3, 1.0]]}},
        {"version": 2, "classes": ["a"], "bias": [0.0], "coefficients": []},
        {"version": 2, "classes": ["a"], "bias": [0.0], "coefficients": {}, "neighbours": []},
        _with_neighbours(questions=[[1, [["quota", 1.0]]]]),
        _with_neighbours(questions=[[0, [["unknown", 1.0]]]]),
        _with_neighbours(questions=[[0]]),
        _with_neighbours(share=1.5),
        _with_neighbours(count=0),
    ],
    ids=[
        "version",
        "bias-length",
        "unknown-class",
        "coefficients-not-a-map",
        "neighbours-not-a-map",
        "neighbour-of-unknown-class",
        "neighbour-term-without-idf",
        "neighbour-without-terms",
        "share-above-one",
        "no-neighbour-votes",
    ],
)
def test_a_malformed_file_is_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="learned ranker"):
        LearnedRanker.from_json(raw)


def _entry(entry_id: str, title: str) -> Entry:
    return Entry(id=entry_id, title=title, cause="c", fix="f", symptoms=(title,))


FILLER = ("bread", "weather", "poem", "garden", "music", "travel", "chess", "river", "cloud")
ENTRIES = (
    _entry("card-declined", "payment card declined"),
    _entry("card-limit", "payment card limit reached"),
    _entry("phone-code", "phone code never arrives"),
    # Unrelated entries, so that a word in one entry is rare enough to be evidence.
    *(_entry(f"other-{n}", f"unrelated topic {word}") for n, word in enumerate(FILLER)),
)


def _ranker(favourite: str, term: str, strength: float) -> LearnedRanker:
    classes = tuple(entry.id for entry in ENTRIES)
    return LearnedRanker(
        classes, (0.0,) * len(classes), {term: ((classes.index(favourite), strength),)}
    )


def test_the_learned_signal_reorders_what_the_words_found_and_then_is_not_confident() -> None:
    normaliser = Normaliser()
    words_alone = TroubleshootingIndex(ENTRIES, normaliser)
    learned = TroubleshootingIndex(ENTRIES, normaliser, _ranker("card-limit", "declin", 8.0))
    question = "my payment card was declined"

    before = words_alone.search(question)
    after = learned.search(question)

    assert [match.entry.id for match in before.matches][:2] == ["card-declined", "card-limit"]
    assert [match.entry.id for match in after.matches][:2] == ["card-limit", "card-declined"]
    assert after.matches[0].score >= after.matches[1].score
    assert not after.confident  # the words point elsewhere: "Is it one of these?"


def test_the_learned_signal_never_adds_an_entry_the_words_did_not_find() -> None:
    learned = TroubleshootingIndex(ENTRIES, Normaliser(), _ranker("phone-code", "card", 50.0))

    found = [match.entry.id for match in learned.search("payment card declined").matches]

    assert "phone-code" not in found


def test_an_agreeing_learned_signal_keeps_a_confident_answer() -> None:
    question = "payment card declined"
    words_alone = TroubleshootingIndex(ENTRIES, Normaliser()).search(question)
    agreeing = TroubleshootingIndex(
        ENTRIES, Normaliser(), _ranker("card-declined", "declin", 4.0)
    ).search(question)

    assert words_alone.confident and agreeing.confident
    assert agreeing.matches[0].entry.id == words_alone.matches[0].entry.id == "card-declined"


def test_a_peaked_learned_signal_still_leaves_the_words_other_good_options() -> None:
    # The words cannot tell the two card entries apart; the learned signal is sure of one.
    # The answer is not confident, so it must offer a choice ("Is it one of these?" needs
    # two options), not one entry and then the whole topic list.
    index = TroubleshootingIndex(ENTRIES, Normaliser(), _ranker("card-declined", "card", 12.0))

    answer = index.search("my payment card at the bank, refund")

    assert not answer.confident
    assert [match.entry.id for match in answer.matches][:2] == ["card-declined", "card-limit"]


def _neighbours(*questions: tuple[str, dict[str, float]], share: float = 0.5) -> NearestQuestions:
    """Tuning questions as (label, unit vector); every term's idf is 1."""
    classes = [entry.id for entry in ENTRIES]
    raw = {
        "count": 2,
        "share": share,
        "idf": {term: 1.0 for _, vector in questions for term in vector},
        "questions": [
            [classes.index(label) if label in classes else NOT_AN_ENTRY, sorted(vector.items())]
            for label, vector in questions
        ],
    }
    return NearestQuestions.from_json(raw, len(classes))


def _with_votes(neighbours: NearestQuestions) -> LearnedRanker:
    classes = tuple(entry.id for entry in ENTRIES)
    return LearnedRanker(classes, (0.0,) * len(classes), {}, neighbours)


def test_the_nearest_tuning_questions_vote_for_their_entry() -> None:
    # Two earlier askers who wrote "card declined ... limit" needed the card-limit entry; the
    # words alone prefer card-declined.
    neighbours = _neighbours(
        ("card-limit", {"card": 0.6, "declin": 0.6, "limit": 0.53}),
        ("card-limit", {"declin": 0.8, "bank": 0.6}),
        ("phone-code", {"phone": 1.0}),
    )
    question = "my payment card was declined"

    before = TroubleshootingIndex(ENTRIES, Normaliser()).search(question)
    after = TroubleshootingIndex(ENTRIES, Normaliser(), _with_votes(neighbours)).search(question)

    assert before.matches[0].entry.id == "card-declined"
    assert after.matches[0].entry.id == "card-limit"
    assert neighbours.vote({"phone": 1.0}) == {2: 1.0}


def test_neighbours_that_were_out_of_scope_vote_for_no_entry() -> None:
    neighbours = _neighbours(("none", {"poem": 1.0}), ("gap:poems", {"poem": 0.7, "river": 0.7}))

    assert neighbours.vote({"poem": 1.0}) == {}
    assert neighbours.vote({"unheard": 1.0}) == {}
    # No vote leaves the regression's probabilities as they were.
    ranker = _with_votes(neighbours)
    assert ranker.probabilities({"poem": 1.0}) == pytest.approx(
        dict.fromkeys(ranker.classes, 1 / len(ranker.classes))
    )


def test_terms_most_tuning_questions_share_are_left_out_of_the_vote() -> None:
    # "api" is in every question: it says nothing about which one a new question resembles.
    entries = tuple(ENTRIES)
    index = TroubleshootingIndex(entries, Normaliser())
    questions = [
        {"text": "api payment card declined", "label": "card-declined"},
        {"text": "api phone code", "label": "phone-code"},
        {"text": "api poem", "label": "none"},
        {"text": "api bread", "label": "none"},
        {"text": "api river", "label": "none"},
    ]
    classes = [entry.id for entry in entries]

    raw = train_ranker.nearest_questions(index, questions, classes)
    neighbours = NearestQuestions.from_json(raw, len(classes))

    assert "api" not in raw["idf"]
    assert all(term != "api" for _, vector in raw["questions"] for term, _ in vector)
    assert raw["questions"][2][0] == NOT_AN_ENTRY
    assert neighbours.vote(index.question_terms("api")) == {}
    assert neighbours.vote(index.question_terms("api phone")) == {classes.index("phone-code"): 1.0}
