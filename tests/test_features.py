"""Features on real lines: each signal fires where it should, one row per non-blank line."""

import numpy as np

from boilerstrip.features import FEATURE_NAMES, LINE_FEATURES, STAGE_NAMES, document_features
from boilerstrip.io.lines import split_lines
from boilerstrip.wordlists import RELATED_PHRASES

from conftest import EXAMPLES


def _column(X, name):
    return X[:, FEATURE_NAMES.index(name)]


def test_one_row_per_non_blank_line_and_no_nan_in_base_features():
    lines, _ = split_lines((EXAMPLES / "news_en.txt").read_text(encoding="utf-8") + "\n\n  \nend")
    X, rows = document_features(lines)
    assert X.shape == (len(rows), len(FEATURE_NAMES))
    assert [lines[r] for r in rows] == [l for l in lines if l.strip()]
    assert not np.isnan(X[:, : FEATURE_NAMES.index("prose") + 1]).any()


def test_signals_fire_on_the_lines_that_carry_them():
    lines = ["- 12:50Venezuelan mothers identify their sons", "14.1°C/19.6°C",
             "– إيفان العظيم 🙋 (profpreobrajen) 12 مارس 2025", "Follow us on Facebook",
             "A full sentence of article prose that ends the way prose does, with a period."]
    X, _ = document_features(lines)
    assert list(_column(X, "time_start")) == [1, 0, 0, 0, 0]
    assert list(_column(X, "temperature") > 0) == [False, True, False, False, False]
    assert list(_column(X, "date_end")) == [0, 0, 1, 0, 0]
    assert list(_column(X, "months")) == [0, 0, 1, 0, 0]
    assert list(_column(X, "boiler_words") > 0) == [False, False, False, True, False]
    assert list(_column(X, "prose")) == [0, 0, 0, 0, 1]


def test_every_augmentation_phrase_is_in_the_boilerplate_vocabulary():
    X, _ = document_features(list(RELATED_PHRASES))
    assert (_column(X, "boiler_words") > 0).all()


def test_a_line_in_another_script_stands_out():
    lines = ["Статья о погоде в городе и о том, что будет завтра."] * 3 + ["An English line here."]
    X, _ = document_features(lines)
    assert list(_column(X, "off_script")) == [0, 0, 0, 1]


def test_every_line_feature_comes_from_exactly_one_named_stage():
    from_stages = [name for names in STAGE_NAMES.values() for name in names]
    assert sorted(from_stages) == sorted(LINE_FEATURES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


def test_wrap_width_percentile_is_numpys():
    from boilerstrip.features.wrapping import _percentile_98

    rng = np.random.default_rng(0)
    for n in range(1, 300):
        for high in (10, 100, 5000):
            widths = sorted(rng.integers(1, high, n).tolist())
            assert _percentile_98(widths) == float(np.percentile(np.array(widths), 98)), widths


def test_context_columns_move_as_numpy_moves_them():
    """The compiled context pass against the numpy it replaced, bit for bit (NaN included)."""
    from boilerstrip.features import _INDEX
    from boilerstrip.features.context import (MARKUP_NEIGHBOUR_SOURCES, MARKUP_OFFSETS,
                                              MARKUP_WINDOWS, NEIGHBOUR_SOURCES, OFFSETS, WINDOWS,
                                              markup, neighbours, shift, window_mean)
    from boilerstrip.rendering.markup import MARKUP_NAMES

    rng = np.random.default_rng(2)
    for n in (1, 2, 3, 7, 40, 300):
        X = rng.normal(size=(n, len(FEATURE_NAMES)))
        X[rng.random(X.shape) < 0.05] = np.nan
        X[rng.random(X.shape) < 0.05] = -0.0
        rows = rng.normal(size=(n, len(MARKUP_NAMES)))
        expected = X.copy()
        for prefix, sources, offsets, windows in (("", NEIGHBOUR_SOURCES, OFFSETS, WINDOWS),
                                                  ("markup.", MARKUP_NEIGHBOUR_SOURCES,
                                                   MARKUP_OFFSETS, MARKUP_WINDOWS)):
            if prefix:
                expected[:, [_INDEX[f"markup.{name}"] for name in MARKUP_NAMES]] = rows
            for name in sources:
                for offset in offsets:
                    expected[:, _INDEX[f"{prefix}{name}@{offset:+d}"]] = shift(
                        expected[:, _INDEX[prefix + name]], offset)
            for name, width in windows:
                expected[:, _INDEX[f"{prefix}{name}~{width}"]] = window_mean(
                    expected[:, _INDEX[prefix + name]], width)
        neighbours(X, _INDEX)
        markup(X, _INDEX, rows)
        assert np.array_equal(X, expected, equal_nan=True), n
        assert np.array_equal(np.signbit(X), np.signbit(expected)), n


def test_line_measures_are_pythons():
    """The compiled measures of a line against ``str``'s own methods, white space of every kind."""
    from boilerstrip.features._line_counts import MEASURES, line_measures

    rng = np.random.default_rng(6)
    pieces = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680",
              "\u2000", "\u200a", "\u200b", "\u2028", "\u202f", "\u3000", "a", "é", "字", "😀", "-"]
    lines = ["", " ", "a"] + ["".join(pieces[i] for i in rng.integers(0, len(pieces), int(rng.integers(0, 12))))
                              for _ in range(5000)]
    for sample in (0, 3, 1 << 16):
        got = line_measures(lines, sample)
        for line, row in zip(lines, got):
            expected = (len(line), len(line.strip()), len(line) - len(line.lstrip()) if line.strip() else len(line),
                        len(line.rstrip()), "\n" in line[:sample] or "\r" in line[:sample])
            assert tuple(row) == expected, (repr(line), sample, dict(zip(MEASURES, row)))
