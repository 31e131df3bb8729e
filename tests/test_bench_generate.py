"""The benchmark's meetings grow as asked, with a Part II item in every size (bench/generate)."""

from __future__ import annotations

import pytest

from bench import generate

# a stand-in for the appendices' page counts (the real ones come from LibreOffice, once)
APPENDIX_PAGES = [150, 120, 60, 100, 110, 140, 40, 90]


def _pages(plan: list[tuple[str, list[int], list[int], int]]) -> int:
    return sum(
        sum(generate.REPORTS[r][1] for r in reports) + sum(APPENDIX_PAGES[a] for a in apps)
        for _, reports, apps, _ in plan
    )


@pytest.mark.parametrize("pages", [500, 1000, 2000, 4000])
def test_a_grown_meeting_has_about_the_pages_asked_and_its_exempt_item_last(pages: int) -> None:
    plan = generate.plan_items(pages, APPENDIX_PAGES)
    assert pages * 0.97 <= _pages(plan) <= pages + 250  # one item over at most
    titles = [title for title, *_ in plan]
    assert titles[0] == "Apologies and declarations of interest"
    assert titles[-2:] == [generate.EXEMPT_ITEM, "Date of the next meeting"]
    assert titles.count(generate.EXEMPT_ITEM) == 1
    assert len(set(titles)) == len(titles), "two items with one title"


def test_copies_are_new_files() -> None:
    plan = generate.plan_items(4000, APPENDIX_PAGES)
    names = [
        generate._copy_name(generate.REPORTS[r][0], copy)
        for _, reports, _, copy in plan
        for r in reports
    ]
    assert len(names) == len(set(names))
    assert generate._copy_name("Plan.docx", 2) == "Plan (part 3).docx"


def test_the_base_meeting_is_unchanged() -> None:
    plan = generate.plan_items(None, APPENDIX_PAGES)
    assert [(t, r, a) for t, r, a, _ in plan] == generate.ITEMS
