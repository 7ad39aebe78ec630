"""A listing that streams page by page: iterate it for the objects, or `by_page()` for the pages.

Clients return one for collections they read in pages, so the printer can write a page's
lines at once (one write and one flush per page, not per line) while the output still
streams as pages arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


class Paged:
    """An iterator over the objects of a listing that can also hand them out page by page."""

    def __init__(self, pages: Iterable[list[Any]]):
        self._pages = pages
        self._items: Iterator[Any] | None = None

    def by_page(self) -> Iterator[list[Any]]:
        return iter(self._pages)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self._items is None:
            self._items = (item for page in self._pages for item in page)
        return next(self._items)

    def map_pages(self, fn: Callable[[list[Any]], list[Any]]) -> Paged:
        return Paged(fn(page) for page in self._pages)


def pages_of(items: Iterable[Any]) -> Iterator[list[Any]]:
    """The pages of a Paged; any other iterable as one page when it is a sequence, else item by item."""
    if isinstance(items, Paged):
        return items.by_page()
    if isinstance(items, (list, tuple)):
        return iter([list(items)])
    return ([item] for item in items)
