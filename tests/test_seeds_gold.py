"""The hand-checked gold for the seeds (seeds/gold/) is self-consistent and true to the seed files.

Each check returns a list of problems; the gold must give none, and deliberately broken copies of the
gold must give some, so every check is shown to be able to fail.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = SEEDS / "gold"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
STEMS = ("000_196887d79a86fdb7", "004_06f121a0a3444192")

KINDS = {
    "number",
    "percent",
    "percentage_points",
    "money",
    "quantity",
    "date",
    "time",
    "range",
    "ordinal",
    "year",
    "weekday",
}
QUALIFIERS = {None, "approximately", "more_than", "at_most", "nearly", "at_least"}
DECIMAL = r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?"
DATE = r"([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|--[0-9]{2}-[0-9]{2})"
VALUE_FORMS = {
    "number": DECIMAL,
    "percent": DECIMAL,
    "percentage_points": DECIMAL,
    "money": DECIMAL,
    "quantity": DECIMAL,
    "ordinal": "[1-9][0-9]*",
    "year": "[0-9]{4}",
    "date": DATE,
    "time": "([01][0-9]|2[0-3]):[0-5][0-9]",
    "range": f"({DECIMAL}|{DATE})\\.\\.({DECIMAL}|{DATE})",
    "weekday": "(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day",
}
BEAD = re.compile(r"\[([0-9, ]*)\]:\[([0-9, ]*)\]")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in read_text(path).splitlines()]


def parse_beads(text: str) -> list[tuple[list[int], list[int]]]:
    beads = []
    for line in text.splitlines():
        match = BEAD.fullmatch(line)
        assert match, f"not a bead: {line!r}"
        beads.append(tuple([int(x) for x in side.split(",") if x.strip()] for side in match.groups()))
    return beads


def load(stem: str) -> dict:
    gold = {"beads": parse_beads(read_text(GOLD / f"{stem}.beads"))}
    for lang in ("de", "en"):
        gold[f"{lang}_text"] = read_text(SEEDS / lang / f"{stem}.txt")
        gold[f"{lang}_segments"] = read_jsonl(GOLD / f"{stem}.{lang}.segments.jsonl")
        gold[f"{lang}_figures"] = read_jsonl(GOLD / f"{stem}.{lang}.figures.jsonl")
    return gold


def segment_problems(text: str, segments: list[dict]) -> list[str]:
    problems = []
    previous_end = 0
    for position, seg in enumerate(segments):
        where = f"segment {position}"
        if set(seg) != {"index", "start", "end", "text"}:
            problems.append(f"{where}: fields {sorted(seg)}")
            continue
        if seg["index"] != position:
            problems.append(f"{where}: index {seg['index']}")
        if text[seg["start"] : seg["end"]] != seg["text"]:
            problems.append(f"{where}: span does not slice back to its text")
        if not seg["text"] or seg["text"] != seg["text"].strip():
            problems.append(f"{where}: empty or not stripped")
        if seg["text"].startswith(("#", "- ", "[")):
            problems.append(f"{where}: Markdown marker kept")
        if seg["start"] < previous_end:
            problems.append(f"{where}: overlaps or precedes the segment before it")
        previous_end = seg["end"]
    return problems


def bead_problems(beads: list[tuple[list[int], list[int]]], n_de: int, n_en: int) -> list[str]:
    problems = []
    for side, n in ((0, n_de), (1, n_en)):
        indices = [i for bead in beads for i in bead[side]]
        if indices != list(range(n)):
            problems.append(f"side {side}: bead indices {indices} do not cover 0..{n - 1} once, in order")
    problems.extend(f"bead {k} is empty" for k, (de, en) in enumerate(beads) if not de and not en)
    return problems


def figure_problems(text: str, segments: list[dict], figures: list[dict]) -> list[str]:
    problems = []
    fields = {"segment", "start", "end", "text", "kind", "value", "unit", "scale", "qualifier"}
    previous_end = 0
    for position, fig in enumerate(figures):
        where = f"figure {position} ({fig.get('text')!r})"
        if set(fig) != fields:
            problems.append(f"{where}: fields {sorted(fig)}")
            continue
        if text[fig["start"] : fig["end"]] != fig["text"]:
            problems.append(f"{where}: span does not slice back to its text")
        if not 0 <= fig["segment"] < len(segments):
            problems.append(f"{where}: no segment {fig['segment']}")
            continue
        seg = segments[fig["segment"]]
        if not seg["start"] <= fig["start"] < fig["end"] <= seg["end"]:
            problems.append(f"{where}: outside its segment {fig['segment']}")
        if fig["start"] < previous_end:
            problems.append(f"{where}: out of text order or overlapping")
        previous_end = fig["end"]
        if fig["kind"] not in KINDS:
            problems.append(f"{where}: kind {fig['kind']!r}")
        elif not re.fullmatch(VALUE_FORMS[fig["kind"]], fig["value"]):
            problems.append(f"{where}: value {fig['value']!r} is not canonical for {fig['kind']}")
        if fig["qualifier"] not in QUALIFIERS:
            problems.append(f"{where}: qualifier {fig['qualifier']!r}")
        if fig["scale"] is not None and fig["scale"] not in (3, 6, 9, 12):
            problems.append(f"{where}: scale {fig['scale']!r}")
        if fig["kind"] == "money" and not re.fullmatch("[A-Z]{3}", fig["unit"] or ""):
            problems.append(f"{where}: money without an ISO 4217 code")
        if fig["kind"] == "percent" and fig["unit"] != "%":
            problems.append(f"{where}: percent unit {fig['unit']!r}")
    return problems


def inventory_problems(gold: dict) -> list[str]:
    def by_segment(figures: list[dict]) -> dict[int, Counter]:
        found: dict[int, Counter] = {}
        for fig in figures:
            key = (fig["kind"], fig["value"], fig["unit"], fig["scale"], fig["qualifier"])
            found.setdefault(fig["segment"], Counter())[key] += 1
        return found

    de, en = by_segment(gold["de_figures"]), by_segment(gold["en_figures"])
    problems = []
    for k, (de_side, en_side) in enumerate(gold["beads"]):
        de_count = sum((de.get(i, Counter()) for i in de_side), Counter())
        en_count = sum((en.get(i, Counter()) for i in en_side), Counter())
        if de_count != en_count:
            problems.append(f"bead {k}: de only {de_count - en_count}, en only {en_count - de_count}")
    return problems


def all_problems(gold: dict) -> list[str]:
    problems = []
    for lang in ("de", "en"):
        problems += segment_problems(gold[f"{lang}_text"], gold[f"{lang}_segments"])
        problems += figure_problems(gold[f"{lang}_text"], gold[f"{lang}_segments"], gold[f"{lang}_figures"])
    problems += bead_problems(gold["beads"], len(gold["de_segments"]), len(gold["en_segments"]))
    return problems + inventory_problems(gold)


@pytest.fixture(scope="module", params=STEMS)
def gold(request: pytest.FixtureRequest) -> dict:
    return load(request.param)


def test_gold_is_consistent_and_true_to_the_files(gold: dict) -> None:
    assert all_problems(gold) == []


def test_seed_beads_are_all_one_to_one(gold: dict) -> None:
    sizes = Counter((len(de), len(en)) for de, en in gold["beads"])
    assert sizes[(1, 1)] == len(gold["beads"])


@pytest.mark.parametrize("stem", STEMS)
def test_gold_files_are_utf8_with_lf_and_a_final_newline(stem: str) -> None:
    for path in GOLD.glob(f"{stem}.*"):
        raw = path.read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n"), path.name
        raw.decode("utf-8")


def _shift_segment(g: dict) -> None:
    g["de_segments"][1]["start"] += 1


def _overlap_segments(g: dict) -> None:
    g["en_segments"][2]["start"] = g["en_segments"][1]["start"]


def _unstripped_segment(g: dict) -> None:
    seg = g["de_segments"][0]
    seg["end"] += 1
    seg["text"] = g["de_text"][seg["start"] : seg["end"]]


def _drop_bead(g: dict) -> None:
    del g["beads"][3]


def _swap_beads(g: dict) -> None:
    g["beads"][1], g["beads"][2] = g["beads"][2], g["beads"][1]


def _figure_outside_segment(g: dict) -> None:
    g["en_figures"][0]["segment"] -= 1


def _changed_value(g: dict) -> None:
    g["en_figures"][-1]["value"] = "2031"


def _lost_qualifier(g: dict) -> None:
    fig = next(f for f in g["en_figures"] if f["qualifier"])
    fig["qualifier"] = None


def _scale_slip(g: dict) -> None:
    fig = next(f for f in g["de_figures"] if f["scale"] == 9)
    fig["scale"] = 12


def _dropped_figure(g: dict) -> None:
    del g["en_figures"][0]


def _bad_value_form(g: dict) -> None:
    g["de_figures"][0]["value"] = "2,025"


@pytest.mark.parametrize(
    "damage",
    [
        _shift_segment,
        _overlap_segments,
        _unstripped_segment,
        _drop_bead,
        _swap_beads,
        _figure_outside_segment,
        _changed_value,
        _lost_qualifier,
        _scale_slip,
        _dropped_figure,
        _bad_value_form,
    ],
)
def test_checks_catch_damaged_gold(gold: dict, damage) -> None:
    broken = copy.deepcopy(gold)
    damage(broken)
    assert all_problems(broken) != []


@pytest.mark.parametrize("stem", STEMS)
def test_german_seeds_are_unchanged_copies(stem: str) -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"original seeds not found at {SHARED_SEEDS}")
    assert (SEEDS / "de" / f"{stem}.txt").read_bytes() == (SHARED_SEEDS / f"{stem}.txt").read_bytes()


def _layout(text: str) -> list[bool]:
    return [line.strip() == "" for line in text.split("\n")]


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.mark.parametrize("stem", STEMS)
def test_english_keeps_the_layout(stem: str) -> None:
    de = read_text(SEEDS / "de" / f"{stem}.txt")
    en = read_text(SEEDS / "en" / f"{stem}.txt")
    assert "\r" not in en
    assert _layout(en) == _layout(de)
    assert len(_paragraphs(en)) == len(_paragraphs(de))
    assert len(en) - len(en.rstrip("\n")) == len(de) - len(de.rstrip("\n"))


def _front_matter(text: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, "no front matter"
    return yaml.safe_load(match.group(1))


def _headings(text: str) -> Counter:
    return Counter(len(m.group(1)) for m in re.finditer(r"^(#{1,6}) \S", text, re.MULTILINE))


def test_english_004_keeps_front_matter_headings_and_references() -> None:
    de = read_text(SEEDS / "de" / "004_06f121a0a3444192.txt")
    en = read_text(SEEDS / "en" / "004_06f121a0a3444192.txt")
    de_meta, en_meta = _front_matter(de), _front_matter(en)
    assert list(en_meta) == list(de_meta)
    assert en_meta["lang"] == "en"
    assert en_meta["title"] != de_meta["title"]
    unchanged = {k: v for k, v in de_meta.items() if k not in ("lang", "title")}
    assert {k: en_meta[k] for k in unchanged} == unchanged
    assert _headings(en) == _headings(de) == Counter({3: 2, 4: 6})
    assert MARKDOWN_LINK.findall(en) == MARKDOWN_LINK.findall(de)
    assert len(MARKDOWN_LINK.findall(en)) == 6


def test_english_000_keeps_the_paragraphs() -> None:
    de = read_text(SEEDS / "de" / "000_196887d79a86fdb7.txt")
    en = read_text(SEEDS / "en" / "000_196887d79a86fdb7.txt")
    assert len(_paragraphs(en)) == len(_paragraphs(de)) == 12


def test_layout_checks_can_fail() -> None:
    de = read_text(SEEDS / "de" / "004_06f121a0a3444192.txt")
    en = read_text(SEEDS / "en" / "004_06f121a0a3444192.txt")
    merged = en.replace("\n\n#### NBA", "\n#### NBA", 1)
    assert _layout(merged) != _layout(de)
    assert _headings(en.replace("#### NBA", "### NBA", 1)) != _headings(de)
    renamed = en.replace("https://x.com", "https://twitter.com", 1)
    assert MARKDOWN_LINK.findall(renamed) != MARKDOWN_LINK.findall(de)
    assert list(_front_matter(en.replace("layout: post\n", "", 1))) != list(_front_matter(de))
