"""Learned components, trained by the project from data it names (``claims train``).

- ``brat``: PolNeAR-style brat standoff read with its cue spans (the training labels)
- ``features``: the features of a candidate cue word, shared by training and extraction
- ``train``: fitting the cue model and writing it, with its metadata, into a language pack
- ``cuemodel``: loading the shipped model and proposing cues in a document
"""
