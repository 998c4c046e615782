"""What a clinician does on the plan review page in the browser, shared by the browser tests."""

from __future__ import annotations

from typing import Any


def acknowledge_and_sign(page: Any, number: int) -> None:
    """Tick every open high flag (each shown with its text), note one, and sign."""
    boxes = page.locator("#acknowledge input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    if boxes.count():
        page.locator("#note-0").fill("Read; see the chart.")
    page.get_by_role("button", name=f"Sign version {number}").click()
    page.get_by_text(f"Version {number} is signed.").wait_for()


def _line(page: Any, code: str, drug: str) -> Any:
    return page.locator(f'#effective li.plan-line[data-code="{code}"][data-drug="{drug}"]').first


def edit_line(page: Any, code: str, drug: str, new_text: str, reason: str) -> None:
    """Open "Edit this line" beside the patient's line (code, drug) and save new words."""
    line = _line(page, code, drug)
    line.get_by_text("Edit this line").click()
    edit = line.locator("details.line-edit")
    edit.locator("textarea[name=text]").fill(new_text)
    edit.locator("input[name=reason]").fill(reason)
    line.get_by_role("button", name="Save new text").click()
    page.get_by_text("Change saved on this version.").wait_for()


def remove_line(page: Any, code: str, drug: str, reason: str) -> None:
    line = _line(page, code, drug)
    line.get_by_text("Remove this line").click()
    line.locator("details.line-remove input[name=reason]").fill(reason)
    line.get_by_role("button", name="Remove line").click()
    page.get_by_text("Change saved on this version.").wait_for()
