"""Entity linking: a registry of people, organisations, places and laws,
linked in article bodies the way an editor would, with entity pages.

Pure modules (no Pelican imports):

* :mod:`.registry`: the YAML registry, loaded and validated (``file:line`` errors);
* :mod:`.matcher`: every name of the registry in one Aho-Corasick automaton;
* :mod:`.linker`: the linking rules, applied to an article's HTML;
* :mod:`.pages`: entity pages and per-article entity lists, from the mentions;
* :mod:`.jsonld`: schema.org JSON-LD for entities and articles;
* :mod:`.suggest`: names articles use that the registry lacks.

Pelican's side: :mod:`.loading` (settings to a registry and matcher, through
an on-disk cache) and :mod:`.generator` (the entity generator: links the
content, registers and writes the entity pages).
"""
