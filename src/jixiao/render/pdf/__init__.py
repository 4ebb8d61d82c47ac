"""The PDF files: WeasyPrint's public API, plus compact CJK fonts.

* :mod:`.layout` — the combined document laid out once, each table as a document of its own;
* :mod:`.breaks` — merged cells cut at page breaks, found from the pages' anchors;
* :mod:`.sections` — the combined HTML taken apart into one document per table;
* :mod:`.fetcher` — what a template may read (files in the template folders only);
* :mod:`.fonts` (with :mod:`.cff`) — compact CJK font subsets: the only module
  that uses WeasyPrint internals, and only on the releases it knows;
* :mod:`.jobs`, :mod:`.make` — the work as calls for worker processes, and the cache.

Importing this package does not import WeasyPrint.
"""
