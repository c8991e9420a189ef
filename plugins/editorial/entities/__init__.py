"""Entity linking: a registry of people, organisations, places and laws,
linked in article bodies the way an editor would, with entity pages.

Pure modules (no Pelican imports): :mod:`.registry` (YAML loading and
validation), :mod:`.matcher` (one Aho-Corasick automaton per build),
:mod:`.linker` (the linking rules on an article's HTML, link placeholders
and their expansion), :mod:`.pages` (entity pages from article metadata),
:mod:`.suggest` (names missing from the registry). The Pelican wiring is
:mod:`.wiring`.
"""
