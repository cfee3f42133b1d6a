"""The five seed pages through `boilerstrip predict`: boilerplate gone, article kept."""

import pytest
from typer.testing import CliRunner

from boilerstrip.cli import app

runner = CliRunner()

# (seed, lines that must be kept, lines that must go), as line prefixes.  Seed 004 is all
# article under its headline.
EXPECTED = {
    "000": (["President Vladimir Putin visited Russian troops", "Ukraine had initially shocked",
             "In a related development, the U.S. agreed"],
            ["Breaking 19:50 Russia", "Thursday 13 March 2025 - 13:09", "By: Zahouani Ilham",
             "  • Fajr", "Read more", "This website, walaw.press, uses cookies"]),
    "001": (["President Vladimir Putin visited Russian troops", "Valery Gerasimov, the head",
             "In a related development, the U.S. agreed"],
            ["- 12:50Venezuelan mothers", "Weather", "9°C/21°C", "14.1°C/19.6°C", "Prayer times",
             "RABAT2025-03-19", "Follow us on Facebook", "Comments (0)"]),
    "002": (["يوم الأربعاء ، زار الرئيس الروسي", "وأضاف أن خسائر الجيش الأوكراني",
             "في سياق ذي صلة ، أكد وزير الخارجية"],
            ["عرض الأخبار ذات الصلة", "птин кре мид", "– энхэhy (@enkhee0369)",
             "– إيفان العظيم 🙋 (profpreobrajen)"]),
    "003": (["North Korean soldiers deployed to support Russia", "As the conflict drags on"],
            ["- 14:05Over 11,000 Israelis", "Follow us on Facebook", "Comments (0)"]),
    "004": (["تضغط موسكو على هجومها", "قالت وزارة الدفاع الروسية يوم السبت",
             "وقالت وزارة الدفاع الروسية أيضًا"], []),
}
HEADLINE_004 = "روسيا تضغط على هجوم في كورسك وسط محادثات وقف إطلاق النار"


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_article_kept_and_boilerplate_dropped(seeds, seed):
    path = next(seeds.glob(f"{seed}_*.txt"))
    result = runner.invoke(app, ["predict", str(path)])
    assert result.exit_code == 0, result.output
    kept = result.stdout.splitlines()
    source = path.read_text(encoding="utf-8").splitlines()
    keep, drop = EXPECTED[seed]
    for prefix in keep:
        assert any(line.startswith(prefix) for line in kept), f"article line lost: {prefix}"
    for prefix in drop:
        assert any(line.startswith(prefix) for line in source), f"fixture out of date: {prefix}"
        assert not any(line.startswith(prefix) for line in kept), f"boilerplate kept: {prefix}"


def test_seed_004_keeps_every_article_line(seeds):
    path = next(seeds.glob("004_*.txt"))
    source = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = runner.invoke(app, ["predict", str(path)]).stdout.splitlines()
    assert source[0].startswith(HEADLINE_004)
    assert [line for line in kept if line.strip() and line != source[0]] == source[1:]


# Both headlines were known misses until the text model weighed every page the same
# (2026-12-04); before, seed 004's came out body or title as a retrain fell.
def test_seed_001_headline_is_a_title(seeds):
    path = next(seeds.glob("001_*.txt"))
    kept = runner.invoke(app, ["predict", "--keep-title", str(path)]).stdout.splitlines()
    assert "Putin Orders Military Push to Oust Ukrainian Forces from Kursk Region" in kept
    assert "Follow us on Facebook" not in kept


def test_seed_004_headline_is_a_title(seeds):
    path = next(seeds.glob("004_*.txt"))
    source = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = runner.invoke(app, ["predict", str(path)]).stdout.splitlines()
    with_title = runner.invoke(app, ["predict", "--keep-title", str(path)]).stdout.splitlines()
    assert [line for line in kept if line.strip()] == source[1:]
    assert [line for line in with_title if line.strip()] == source
