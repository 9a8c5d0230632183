"""A model of what you read, kept on this machine: TF-IDF terms (``features``) and a linear model (``model``).

Nothing here imports more than numpy, and only the commands that rank load it.
"""
