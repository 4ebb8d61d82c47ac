"""Characters a document cannot carry, and the one function that drops them.

XML 1.0 (so Word's parts, the PDF's XMP metadata and Pango) forbids C0 control
characters other than tab, newline and CR, lone surrogates and U+FFFE/U+FFFF;
DEL has no business in a printed table either. They reach the model through
YAML escapes (``"\\x07"``); the renderers drop them and ``jixiao check`` reports
them (JX604).
"""

from __future__ import annotations

import re

#: One character the documents cannot carry.
NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """*text* without :data:`NOT_PRINTABLE` characters (tab and newline kept), line ends as ``\\n``."""
    return NOT_PRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


#: U+2060 WORD JOINER: forbids a line break on either side and prints nothing. The
#: renderers put it where a line must not break (:mod:`jixiao.render.layout.linebreak`).
JOINER = "\u2060"


def unjoined(text: str) -> str:
    """*text* without :data:`JOINER` (text read back from a rendered or imported file). A line break
    right after a joiner is one jixiao added to print the text well (a balanced title, a cell's last
    two characters): it goes too."""
    return text.replace(JOINER + "\n", "").replace(JOINER, "")
