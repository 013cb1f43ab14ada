"""The repository's documentation stands alone: every link resolves, every cited section exists.

The docs once pointed at a steering folder outside the repository; a reader of a clone found
dead links. These tests walk README.md, HOME.md and docs/*.md and fail on a relative link to a
missing file (or heading), on any link that leaves the repository, and on a code comment that
cites a section of docs/UPSTOX_API.md or docs/NSE_DATA.md that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", ROOT / "HOME.md", *(ROOT / "docs").glob("*.md")])
CODE_DIRS = ("scripts", "dashboard_ui", "tests", "bench")
CODE_SUFFIXES = {".py", ".proto", ".md", ".sh", ".txt"}

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
NUMBERED_HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.M)
SECTION_REF = re.compile(r"§(\d+(?:\.\d+)*)")
CITED_DOC = re.compile(r"(UPSTOX_API|NSE_DATA)\.md")
# The steering folder the docs were first written from; built from parts so this file does
# not match its own pattern.
STEERING = re.compile(r"(\.\./|/work/)" + "shared/" + r"|\bshared/[A-Za-z_-]+\.md")


def _prose(text: str) -> str:
    """The text with fenced code blocks removed: links are not links inside them."""
    return FENCE.sub("", text)


def _links(text: str) -> list[str]:
    prose = INLINE_CODE.sub("", _prose(text))
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(m.group(2)) for m in HEADING.finditer(_prose(path.read_text(encoding="utf-8")))}


def _sections(path: Path) -> set[str]:
    return set(NUMBERED_HEADING.findall(_prose(path.read_text(encoding="utf-8"))))


def _is_external(target: str) -> bool:
    return re.match(r"^[a-z][a-z0-9+.-]*:", target) is not None


def _broken_links(doc: Path, root: Path = ROOT) -> list[str]:
    problems = []
    for target in _links(doc.read_text(encoding="utf-8")):
        if _is_external(target):
            continue
        file_part, _, fragment = target.partition("#")
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        if STEERING.search(target):
            problems.append(f"{target}: points into the steering folder, not the repository")
        elif not resolved.is_relative_to(root):
            problems.append(f"{target}: leaves the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in _anchors(resolved):
            problems.append(f"{target}: no heading #{fragment} in {resolved.name}")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_in_the_docs_resolves_inside_the_repository(doc: Path) -> None:
    assert _broken_links(doc) == []


def test_the_link_checker_reports_missing_files_anchors_and_links_out_of_the_repository(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "UPSTOX_API.md").write_text("# Upstox\n\n## 1. Hosts\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("# Outside\n", encoding="utf-8")
    doc = root / "docs" / "probe.md"
    doc.write_text(
        "[gone](NOT_A_FILE.md) [old](../../shared/upstox-api.md) [out](../../outside.md)"
        " [ok](UPSTOX_API.md#1-hosts) [bad anchor](UPSTOX_API.md#no-such-heading)"
        " [web](https://upstox.com) `[code](NOT_LINKED.md)`\n",
        encoding="utf-8",
    )
    problems = _broken_links(doc, root)
    assert [p.split(": ")[0] for p in problems] == [
        "NOT_A_FILE.md",
        "../../shared/upstox-api.md",
        "../../outside.md",
        "UPSTOX_API.md#no-such-heading",
    ]


def _files_that_may_cite_docs() -> list[Path]:
    files = [*DOCS]
    for folder in CODE_DIRS:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
        ]
    return [p for p in files if p.resolve() != Path(__file__).resolve()]


def test_no_doc_or_code_comment_mentions_the_steering_folder() -> None:
    mentions = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files_that_may_cite_docs()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STEERING.search(line)
    ]
    assert mentions == []


def _cited_sections(path: Path) -> list[tuple[str, str, int]]:
    """(doc, section, line) for every ``§N`` in a file.

    A ``§N`` after a mention of ``UPSTOX_API.md`` or ``NSE_DATA.md`` on the same line belongs to
    that doc; a bare one belongs to the file itself if it is one of the two, else to
    UPSTOX_API.md (the modules of the Upstox layer cite it by bare section after naming it once).
    """
    default = "NSE_DATA" if path.name == "NSE_DATA.md" else "UPSTOX_API"
    cited = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        doc, position = default, 0
        for mention in [*CITED_DOC.finditer(line), None]:
            end = mention.start() if mention else len(line)
            cited += [(doc, s, number) for s in SECTION_REF.findall(line, position, end)]
            if mention:
                doc, position = mention.group(1), mention.end()
    return cited


def test_every_cited_section_of_the_reference_docs_exists() -> None:
    sections = {
        name: _sections(ROOT / "docs" / f"{name}.md") for name in ("UPSTOX_API", "NSE_DATA")
    }
    assert {"0", "1.5", "9.1", "14"} <= sections["UPSTOX_API"]
    assert {"1.1", "1.5", "2"} <= sections["NSE_DATA"]
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {doc}.md §{section}"
        for path in _files_that_may_cite_docs()
        for doc, section, line in _cited_sections(path)
        if section not in sections[doc]
    ]
    assert missing == []


def test_every_docs_file_named_in_code_or_docs_exists() -> None:
    named = [
        f"{path.relative_to(ROOT)}:{number}: {name}"
        for path in _files_that_may_cite_docs()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for name in re.findall(r"\bdocs/[A-Za-z_]+\.md\b", line)
        if not (ROOT / name).is_file()
    ]
    assert named == []
