"""Hugging Face datasets: pairs with findings as a Dataset (Parquet, save_to_disk), and datasets read as units."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

from pathlib import Path

import datasets
import pytest

from align.bilingual import Unit
from align.compare import compare_pair
from align.datasets import (
    FINDINGS,
    finding_column,
    load_dataset_file,
    map_units,
    pair_records,
    pairs_dataset,
    row_findings,
    save_dataset,
    units_from_dataset,
)
from align.errors import InputError
from align.findings import Finding
from align.segment import Segment
from align.serialize import from_json, to_json

datasets.disable_progress_bars()

SOURCE = ["Der Umsatz stieg um fast 50 %.", "Das ist gut.", "Er kam am 3. Mai.", "Ein Zusatz."]
TARGET = ["Revenue rose by 50%.", "That is good.", "He came", "on 3 May."]


def _segments(texts: list[str]) -> list[Segment]:
    segments, offset = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(index=i, text=text, start=offset, end=offset + len(text), block=0))
        offset += len(text) + 1
    return segments


def _beads() -> list[dict[str, object]]:
    return [
        {"source": [0], "target": [0], "score": 0.91},
        {"source": [1], "target": [1], "score": 0.88},
        {"source": [2], "target": [2, 3], "score": 0.75},
        {"source": [3], "target": [], "score": 0.0},
    ]


def _findings() -> list[Finding]:
    found = list(compare_pair(SOURCE[0], TARGET[0], bead=0))
    assert found, "the hedge 'fast 50 %' → '50%' must be a finding"
    return found


def test_pairs_dataset_rows_and_lossless_findings() -> None:
    findings = _findings()
    records = pair_records(_segments(SOURCE), _segments(TARGET), _beads(), [to_json(f) for f in findings], "doc1")
    ds = pairs_dataset(records)
    assert ds.num_rows == 4 and ds.features["findings"] == FINDINGS
    assert ds[2]["target"] == "He came on 3 May." and ds[2]["target_indices"] == [2, 3]
    assert ds[3]["target"] == "" and ds[3]["target_indices"] == []
    assert ds[0]["score"] == pytest.approx(0.91) and ds[0]["document"] == "doc1"
    first = ds[0]["findings"]
    assert [f["status"] for f in first] == [f.status for f in findings]
    assert any("hedge" in f["message"] for f in first)
    assert [from_json(Finding, d) for d in row_findings(ds[0])] == findings
    assert ds[1]["findings"] == []
    assert ds.filter(lambda row: len(row["findings"]) > 0)["bead"] == [0]


def test_parquet_and_save_to_disk_round_trip(tmp_path: Path) -> None:
    ds = pairs_dataset(pair_records(SOURCE, TARGET, _beads(), _findings(), "doc1"))
    parquet = tmp_path / "out" / "pairs.parquet"
    save_dataset(ds, parquet)
    assert load_dataset_file(parquet, cache_dir=tmp_path / "cache").to_list() == ds.to_list()
    folder = tmp_path / "saved"
    save_dataset(ds, folder)
    save_dataset(ds.select([0, 1]), folder)
    again = load_dataset_file(folder)
    assert again.to_list() == ds.select([0, 1]).to_list()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "saved"]


def test_user_dataset_as_units_in_batches() -> None:
    ds = datasets.Dataset.from_dict(
        {"id": ["a", "b", "c"], "source": ["Eins.", "Zwei.", "Drei."], "target": ["One.", "Two.", "Three."]}
    )
    units = list(units_from_dataset(ds, where="user", batch_size=2))
    assert [(u.id, u.source, u.target) for u in units] == [
        ("a", "Eins.", "One."),
        ("b", "Zwei.", "Two."),
        ("c", "Drei.", "Three."),
    ]
    assert str(units[2].origin) == "user, unit 'c'" and units[2].origin.row == 3
    renamed = ds.rename_columns({"source": "de", "target": "en"}).remove_columns("id")
    ids = [u.id for u in units_from_dataset(renamed, source_column="de", target_column="en")]
    assert ids == ["1", "2", "3"]


def test_map_units_adds_findings_column_in_batches() -> None:
    ds = datasets.Dataset.from_dict(
        {
            "source": ["Es kamen 300 Gäste.", "Der Umsatz stieg um fast 50 %.", "Das ist gut."],
            "target": ["300 guests came.", "Revenue rose by 50%.", "That is good."],
        }
    )

    def check(units: list[Unit]) -> dict[str, list[object]]:
        return {"findings": [finding_column(compare_pair(u.source, u.target)) for u in units]}

    checked = map_units(ds, check, features={"findings": FINDINGS}, batch_size=1)
    statuses = [[f["status"] for f in row] for row in checked["findings"]]
    assert "changed" in statuses[1]
    assert "changed" not in statuses[0] and statuses[2] == []
    assert checked.column_names == ["source", "target", "findings"]


def test_map_units_adds_word_links_in_batches() -> None:
    from align.datasets import WORD_LINKS, word_link_columns

    ds = datasets.Dataset.from_dict(
        {
            "source": ["Es kamen 300 Gäste.", "Der Umsatz stieg um 5 Prozent.", "Gut."],
            "target": ["300 guests came.", "Revenue rose by 5 percent.", ""],
        }
    )
    linked = map_units(ds, word_link_columns, features=dict(WORD_LINKS), batch_size=2)
    first, second, empty = linked
    assert first["source_tokens"] == ["Es", "kamen", "300", "Gäste", "."]
    assert {"2-0", "3-1", "4-3"} <= set(first["links"].split())  # 300-300, Gäste-guests, .-.
    assert {"3-2", "4-3", "5-4"} <= set(second["links"].split())  # um-by, 5-5, Prozent-percent
    assert empty["target_tokens"] == [] and empty["links"] == ""


@pytest.mark.parametrize(
    ("name", "text", "pattern"),
    [
        ("rows.jsonl", '{"source": "a", "target": "b"}\n{"source": "c", "target": null}\n', r"row 2 \(index 1\)"),
        ("rows.csv", "source,target\nEins,One\nZwei,\n", r"row 2 \(index 1\) has a null 'target'"),
    ],
)
def test_null_cells_name_the_file_and_row(tmp_path: Path, name: str, text: str, pattern: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ds = load_dataset_file(path, cache_dir=tmp_path / "cache")
    with pytest.raises(InputError, match=rf"{name}: {pattern}"):
        list(units_from_dataset(ds, where=str(path)))
    with pytest.raises(InputError, match=pattern):
        map_units(ds, lambda units: {"n": [1 for _ in units]}, where=str(path))


def test_bad_datasets_are_refused(tmp_path: Path) -> None:
    ds = datasets.Dataset.from_dict({"source": ["a"], "text": ["b"]})
    with pytest.raises(InputError, match=r"mine: has no 'target' column \(its columns: source, text\)"):
        list(units_from_dataset(ds, where="mine"))
    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.parquet: is empty"):
        load_dataset_file(empty)
    with pytest.raises(InputError, match=r"nothing\.jsonl: no such file"):
        load_dataset_file(tmp_path / "nothing.jsonl")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"broken\.parquet: cannot be read as a dataset"):
        load_dataset_file(broken, cache_dir=tmp_path / "cache")
