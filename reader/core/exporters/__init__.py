"""Export writers, one module per output shape, none of them touching the store.

``reader.core.export`` is the front door (``render``, ``write_per_paper``);
these modules hold the details of each shape:

- ``markdown``: the single notes file, optionally through a user template;
- ``vault``: one Markdown file per paper with YAML front matter (Obsidian-style);
- ``bibtex``: ``@misc`` entries for bibtex/biber;
- ``table``: CSV (RFC 4180).
"""
