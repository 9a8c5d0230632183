"""Search: the words of a text (``words``), the index and its ranking (``index``), the query
language (``query``) and "more like this" (``related``)."""

from reader.core.search.index import Hit, SearchIndex

__all__ = ["Hit", "SearchIndex"]
