"""Shared fixtures (the bundled seeds, the gold data in ../shared/data, skipped when absent) and the test tiers."""

from __future__ import annotations

import functools
import inspect
import os
import re
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = Path(os.environ.get("ALIGN_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED_NAMES = ("000_196887d79a86fdb7.txt", "004_06f121a0a3444192.txt")


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Stage, translation and embedding caches go to a temporary folder, never the user's ~/.cache (the word-list
    file of `align.claims` is filled there from the lists the package ships, 1-2 s, at its first use)."""
    folder = tmp_path_factory.mktemp("align-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGN_CACHE_DIR", str(folder))
        patch.setenv("SOURCE_DATE_EPOCH", "1764720000")  # reports dated alike: two runs' outputs compare equal
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The gold data folder; tests that need it skip with the reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"gold data not found at {SHARED_DATA} (set ALIGN_SHARED_DATA to its folder)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


# --- test tiers --------------------------------------------------------------------------------------------
# Every test gets its markers here, by rules over the code it runs: its own source, the source of the helpers
# under tests/ it calls and of the fixtures it uses (transitively), and the module constants these name. The
# markers are registered in pyproject.toml; `make test-fast` deselects all five, `make test` runs everything.
# `pytest --collect-only -q -m slow` (or gold, ...) lists what a rule gives; a test file can still mark a test by
# hand (`pytestmark = pytest.mark.slow` or a decorator): the rules only add markers.
#
#   notebook  the file is about the notebooks (its name has "notebook") or the code runs one (nbclient)
#   browser   the code drives a browser (Playwright, chromium)
#   ray       the code starts Ray (the `ray` fixture, `ray.init`, the Ray executor)
#   gold      the code reads the evaluation data in ../shared/data (the `shared_data` fixture, SHARED_DATA)
#   slow      the code costs more than the inner loop affords (a model load alone takes 1-5 s, most of these
#             tests 5-50 s on 2 busy cores):
#     model     builds or converts a model on disk (the tiny Marian, a saved BERT or sentence-transformers
#               folder, the embedded encoder converted afresh into a temporary folder, a ctranslate2 model),
#               or loads a transformers/torch model (from_pretrained, the torch backend, the word aligner's,
#               SimAlign, whose import alone takes 5 s)
#     embedded  runs the embedded model at all: whole seed documents through the pipeline or the CLI (run,
#               report, sentences, words), the `sentences` command, word links, the embedded model folder or its
#               tokenizer -- unless the code chooses the length encoder
#     process   starts a Python subprocess (the CLI in a fresh interpreter imports align again: 0.5-30 s)
#     workers   starts corpus worker processes (a pool, or 2 or more workers)
#     words     builds the word-list file of align.claims afresh (forgets the open ones, or fills a file of its
#               own: 1-2 s) or derives the lists from their sources (align.lexicons: 25 s)
#     size      is a size test by its name (ten_thousand, 50_mb, large_documents, ...)
#     listed    is one of the few tests in SLOW_TESTS below, measured slow with none of the above
# So the fast tier loads no model (small in-memory ones that tests build aside).

TESTS = Path(__file__).resolve().parent

_RULES: dict[str, re.Pattern[str]] = {
    "notebook": re.compile(r"\bnbclient\b|\bNotebookClient\b"),
    "browser": re.compile(r"\b[Pp]laywright\b|\b[Cc]hromium\b"),
    "ray": re.compile(r"\bray\.init\(|executor\s*=\s*[\"']ray[\"']|[\"']--executor[\"'],\s*[\"']ray[\"']"),
    "gold": re.compile(r"\bSHARED_DATA\b|\bshared_data\b"),
    "slow": re.compile(
        # model
        r"\b(?:build_tiny_marian|save_pretrained|from_pretrained|SentenceTransformer|build_embedded"
        r"|_embedded_model_dir|ctranslate2|w\.load_encoder|words\.load_encoder|simalign)\b"
        r"|backend\s*=\s*[\"']torch[\"']"
        # workers
        r"|--workers[\"'],\s*[\"'][2-9]|\bworkers\s*=\s*[2-9]|\bworker_pool\("
        # words
        r"|\b_derived_word_lists\b|\b_word_lists\.cache_clear\b|\b_fill\(|\blexicons\.to_json\("
        # process
        r"|\bsubprocess\.(?:run|Popen|call|check_call|check_output)\("
    ),
}
_PIPELINE = re.compile(
    r"\b(?:pipeline\.run|pipeline\.check|compare_documents|run_corpus|run_dataset|align_documents)\("
    r"|[\[(]\s*[\"'](?:run|report|sentences|words)[\"']"
)
_EMBEDDED = re.compile(r"\b(?:embedded_model_dir|load_tokenizer)\b|word_link|[\[(]\s*[\"']sentences[\"']")
_SEEDS = re.compile(r"\bSEEDS?\b|\bSEED_NAMES\b|\bseeds\b")
_LENGTH_ENCODER = re.compile(r"[\"']length[\"']")
_SIZE_TEST = re.compile(r"ten_thousand|hundred_times|\d+_mb_|large_documents|bounded_memory")
# Measured slow (`pytest --durations=0`) with none of the costs the rules can see: a check of a 900,000-character
# line (10 s).
SLOW_TESTS = {
    "test_hostile.py::test_text_output_grows_with_findings_not_with_the_line",
}


@functools.cache
def _reach(function: types.FunctionType) -> tuple[tuple[types.FunctionType, ...], tuple[str, ...]]:
    """The function and the functions under tests/ it calls by a global name (helpers), and theirs; the reprs of
    the module constants they name."""
    found: list[types.FunctionType] = []
    constants: list[str] = []
    todo = [function]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        codes = [current.__code__]
        while codes:
            code = codes.pop()
            codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
            for name in code.co_names:  # global names, and attribute names (harmless where one is both)
                value = current.__globals__.get(name)
                if isinstance(value, str | dict | list | tuple | frozenset | set):
                    constants.append(f"{name} = {value!r:.2000}")
                elif (helper := _under_tests(value)) is not None:
                    todo.append(helper)
    return tuple(found), tuple(constants)


def _under_tests(value: object) -> types.FunctionType | None:
    """A plain function defined under tests/, the test itself for a hypothesis test; not a fixture (fixtures are
    found by name, see _code_of) nor anything of this file (its autouse fixture is everyone's)."""
    if type(value).__name__ == "FixtureFunctionDefinition" or not callable(value):
        return None
    function = inspect.unwrap(value)
    function = inspect.unwrap(getattr(getattr(function, "hypothesis", None), "inner_test", function))
    if not isinstance(function, types.FunctionType):
        return None
    filename = function.__code__.co_filename
    return function if filename.startswith(str(TESTS)) and filename != __file__ else None


@functools.cache
def _lines(filename: str) -> list[str]:
    try:
        return Path(filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


@functools.cache
def _source(function: types.FunctionType) -> str:
    """The lines of the function, its decorators and everything nested in it (faster than inspect.getsource)."""
    code = function.__code__
    last, codes = code.co_firstlineno, [code]
    while codes:
        current = codes.pop()
        codes += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        last = max([last, *(line for _, _, line in current.co_lines() if line is not None)])
    return "\n".join(_lines(code.co_filename)[code.co_firstlineno - 1 : last])


@functools.cache
def _code(functions: tuple[types.FunctionType, ...]) -> str:
    seen: dict[types.FunctionType, None] = {}
    constants: dict[str, None] = {}
    for function in functions:
        reached, named = _reach(function)
        seen.update(dict.fromkeys(reached))
        constants.update(dict.fromkeys(named))
    return "\n".join([_source(f) for f in seen] + list(constants))


def _code_of(item: pytest.Item) -> str:
    """The source of the test, of the helpers it calls and of every fixture it uses (those under tests/), and
    the module constants they name."""
    functions = [_under_tests(getattr(item, "function", None))]
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        for fixturedef in info.name2fixturedefs.get(name, ()) if info else ():
            functions.append(_under_tests(fixturedef.func))
    return _code(tuple(dict.fromkeys(f for f in functions if f is not None)))


@functools.cache
def _tiers_by_code(code: str) -> frozenset[str]:
    tiers = {tier for tier, rule in _RULES.items() if rule.search(code)}
    if not _LENGTH_ENCODER.search(code) and (
        (_PIPELINE.search(code) and _SEEDS.search(code)) or _EMBEDDED.search(code)
    ):
        tiers.add("slow")
    return frozenset(tiers)


def tiers_of(item: pytest.Item) -> set[str]:
    """The tier markers the rules give a test (see the comment above)."""
    path = Path(str(item.path))
    tiers = set(_tiers_by_code(_code_of(item)))
    fixtures = set(getattr(item, "fixturenames", ()))
    if "notebook" in path.stem:
        tiers.add("notebook")
    if "ray" in fixtures:
        tiers.add("ray")
    if "shared_data" in fixtures:
        tiers.add("gold")
    name = getattr(item, "originalname", item.name)
    if _SIZE_TEST.search(name) or f"{path.name}::{name}" in SLOW_TESTS:
        tiers.add("slow")
    return tiers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        have = {mark.name for mark in item.iter_markers()}
        for tier in sorted(tiers_of(item) - have):
            item.add_marker(tier)
