"""Keyset pagination shared by the list endpoints: `cursor` from the previous page's
`next_cursor`, never an offset or a count, so a deep page costs what the first one does."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Field, Schema

from kyphoplan.web.keyset import MAX_CURSOR

T = TypeVar("T")
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR,
                               description="the previous page's next_cursor; leave out for the first page")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(..., description="pass as `cursor` for the next page; null on the last")
    page_size: int
