"""Training documents the datasets hold too few of.

In-article boilerplate: articles carry embedded social posts (often in another
language or script), "read also" links and share prompts between their
paragraphs.  The gold datasets hold too few for the model to learn them, and
there the surrounding prose pulls such lines into the article.  Training inserts
some, labeled boilerplate, into a seeded share of documents.

Text that ends with the article: a whole page always ends in a footer, but a
scraper that saved only the article region, or a user who cut the page, gives
text whose last line is the article's; a seeded share of text documents are cut
after their last body line so the model sees that too.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

from boilerstrip.io.labeled import LabeledDocument
from boilerstrip.wordlists import MONTHS_BY_LANGUAGE, RELATED_PHRASES

_SYLLABLES = ("ka", "mi", "ro", "sa", "len", "tor", "vi", "na", "el", "dan", "ju", "ber", "is", "ha")


def _name(rng: random.Random) -> str:
    return " ".join("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize()
                    for _ in range(rng.randint(1, 2)))


def _date(rng: random.Random) -> str:
    months = rng.choice(MONTHS_BY_LANGUAGE)
    month, day, year = rng.choice(months), rng.randint(1, 28), rng.randint(2010, 2026)
    return f"{month} {day}, {year}" if months is MONTHS_BY_LANGUAGE[0] else f"{day} {month} {year}"


def _excerpt(rng: random.Random, donor: LabeledDocument, limit: int) -> str | None:
    body = [line.strip() for line, label in zip(donor.lines, donor.labels) if label == "body"]
    if not body:
        return None
    text = rng.choice(body)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return text


def _social_post(rng: random.Random, donor: LabeledDocument) -> list[str] | None:
    text = _excerpt(rng, donor, 280)
    if text is None:
        return None
    if rng.random() < 0.6:
        text += " pic.twitter.com/" + "".join(rng.choices(string.ascii_letters + string.digits, k=10))
    handle = _name(rng).lower().replace(" ", "") + str(rng.randint(0, 9999))
    handle = rng.choice((f"(@{handle})", f"({handle})", f"@{handle}"))
    dash = rng.choice(("—", "–", "-", ""))
    emoji = rng.choice(("", "", " 🙋", " 🇺🇦", " ✨"))
    return [text, f"{dash} {_name(rng)}{emoji} {handle} {_date(rng)}".strip()]


def _related_line(rng: random.Random, donor: LabeledDocument) -> list[str] | None:
    phrase = rng.choice(RELATED_PHRASES)
    if rng.random() < 0.3:
        return [phrase]
    headline = _excerpt(rng, donor, 90)
    return None if headline is None else [f"{phrase} {headline}"]


def _block(rng: random.Random, doc: LabeledDocument, documents: Sequence[LabeledDocument]
           ) -> list[str] | None:
    """A social post or a related-link line, its text from a document in another language if one is found."""
    donor = documents[rng.randrange(len(documents))]
    for _ in range(5):
        if donor.meta.get("lang") != doc.meta.get("lang"):
            break
        donor = documents[rng.randrange(len(documents))]
    return (_social_post if rng.random() < 0.6 else _related_line)(rng, donor)


def augment_documents(documents: Sequence[LabeledDocument], share: float, seed: int
                      ) -> list[LabeledDocument]:
    """Copies of ``documents`` where a ``share`` of them get one or two boilerplate blocks
    between body lines; a block's text comes from another document, preferably in another language."""
    rng = random.Random(seed)
    out = list(documents)
    for i, doc in enumerate(documents):
        if rng.random() >= share or doc.markup is not None:  # inserted lines would have no markup
            continue
        gaps = [k for k in range(len(doc.labels) - 1)
                if doc.labels[k] == "body" and doc.labels[k + 1] in ("body", None)]
        if len(gaps) < 2:
            continue
        lines, labels = list(doc.lines), list(doc.labels)
        for _ in range(rng.randint(1, 2)):
            block = _block(rng, doc, documents)
            at = rng.choice(gaps[: len(gaps) - 1]) + 1
            if block:
                lines[at:at] = block
                labels[at:at] = ["boilerplate"] * len(block)
                gaps = [k + len(block) if k >= at else k for k in gaps]
        out[i] = LabeledDocument(lines, labels, dict(doc.meta))
    return out


def crop_documents(documents: Sequence[LabeledDocument], share: float, seed: int
                   ) -> list[LabeledDocument]:
    """Copies of ``documents`` where a ``share`` of the text ones (no markup: a page's
    HTML keeps its footer) end after their last body line.  Their start stays: what
    comes before an article (a run-together ticker, a menu) is still there."""
    rng = random.Random(seed)
    out = list(documents)
    for i, doc in enumerate(documents):
        if rng.random() >= share or doc.markup is not None:
            continue
        body = [k for k, label in enumerate(doc.labels) if label == "body"]
        if body:
            end = body[-1] + 1
            out[i] = LabeledDocument(list(doc.lines[:end]), list(doc.labels[:end]), dict(doc.meta))
    return out
