"""The domain core: parsing, store, search and export.

Nothing in this package imports Textual; the command line and the terminal
app both sit on top of it (a test checks this in a fresh interpreter).
"""
