"""Training augmentation on the hand-labeled pages."""

import numpy as np

from boilerstrip.training.augment import crop_documents
from boilerstrip.io.labeled import LabeledDocument, parse_document

from conftest import LABELED


def test_cropped_documents_end_with_their_last_body_line():
    documents = [parse_document((LABELED / name).read_text(encoding="utf-8"), name)
                 for name in ("news_en.lines", "news_ar.lines", "football_ar.lines")]
    cropped = crop_documents(documents, 1.0, seed=0)
    for original, doc in zip(documents, cropped):
        assert doc.labels[-1] == "body" and original.labels[-1] != "body"
        last = max(k for k, label in enumerate(original.labels) if label == "body")
        assert doc.lines == original.lines[:last + 1] and doc.labels == original.labels[:last + 1]
    assert crop_documents(documents, 0.0, seed=0) == documents
    with_markup = LabeledDocument(documents[0].lines, documents[0].labels, {}, np.zeros((1, 1)))
    assert crop_documents([with_markup], 1.0, seed=0)[0] is with_markup  # HTML keeps its footer
