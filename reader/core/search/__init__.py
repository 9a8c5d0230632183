"""Search: the words of a text (``words``), the index and its ranking (``index``), the query
language (``query``) and "more like this" (``related``).

Nothing is imported here: the index needs numpy, and ``reader list`` parses a
query without ever loading it.
"""
