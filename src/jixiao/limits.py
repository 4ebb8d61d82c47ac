"""Every limit jixiao enforces on untrusted input, in one place.

Specs, presets and templates may come from someone else (a client, a pull
request). Reading and rendering them must never run code, hang or fill the
disk, so each kind of work has a ceiling. Every number here is documented in
the README (「安全：处理别人给的规格和模板」); a limit that is hit is reported as
a positioned error saying which limit and how to stay under it.
"""

from __future__ import annotations

from decimal import Decimal

#: Bytes of one YAML file (部门.yaml, a project, a preset).
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Values, keys and list items in one YAML file after aliases (``*a``) are expanded.
MAX_YAML_NODES = 100_000
#: Nesting depth of mappings and lists in one YAML file.
MAX_YAML_DEPTH = 40
#: Project files in one department.
MAX_PROJECTS = 2_000
#: Word tables in a document ``jixiao import`` reads (a project table is one to three Word tables).
MAX_IMPORT_WORD_TABLES = 3 * MAX_PROJECTS
#: Files listed in a spec folder and the templates it sees at one git revision (``jixiao diff``).
MAX_REVISION_FILES = 5 * MAX_PROJECTS
#: Bytes of the spec files ``jixiao diff`` copies out of one git revision (each also within MAX_YAML_BYTES).
MAX_REVISION_BYTES = 100 * 1024 * 1024
#: Indicator rows in one project table.
MAX_ROWS = 200

#: Characters in one printed text: a table cell, a header field, a paragraph of 第一部分.
MAX_CELL_CHARS = 10_000
#: Characters of printed text in the whole expanded document.
MAX_DOCUMENT_CHARS = 2_000_000

#: Characters any single value may reach while a formula or template is evaluated.
MAX_FORMULA_VALUE_CHARS = 100_000
MAX_TEMPLATE_VALUE_CHARS = 20_000_000
#: Steps (loop iterations, branches taken, macro calls) of one formula / one template render.
MAX_FORMULA_STEPS = 1_000
MAX_TEMPLATE_STEPS = 2_000_000
#: Characters one template render may produce (the HTML document, one Word XML part).
MAX_TEMPLATE_OUTPUT_CHARS = 100_000_000
#: Largest exponent of ``**`` in a formula or template; larger powers are refused.
MAX_POWER_EXPONENT = 100
#: Largest integer (in bits) an arithmetic result may have.
MAX_INT_BITS = 4_096

#: Bytes of a template file (HTML, CSS, Word .docx) and of all parts of a .docx unpacked.
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 100 * 1024 * 1024

#: Bytes of a document ``jixiao import`` or ``jixiao textconv`` reads (.docx, .doc, .pdf …).
MAX_DOCUMENT_FILE_BYTES = 100 * 1024 * 1024
#: A zip package (.docx) read by import and textconv: members, bytes of one member and of all
#: members read, unpacked; compression ratio of a member once it is larger than the floor.
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_MEMBER_BYTES = 100 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
#: Seconds LibreOffice may take to convert a .doc, .wps, .rtf or .odt for ``jixiao import``.
LIBREOFFICE_SECONDS = 30
#: Reading a PDF for ``jixiao textconv`` (in a child process): pages, bytes of one page's drawing
#: instructions unpacked, seconds, and address space of the process.
MAX_PDF_PAGES = 1_000
MAX_PDF_PAGE_CONTENT_BYTES = 1024 * 1024
PDF_READ_SECONDS = 30
PDF_READ_MEMORY_BYTES = 1024 * 1024 * 1024

#: Largest amount (预算数, 财政资金, 其他资金) in the document's money unit.
MAX_AMOUNT = Decimal("999999999999.99")
#: Digits before and after the decimal point of a number in an indicator value.
MAX_VALUE_INT_DIGITS = 15
MAX_VALUE_DECIMALS = 6
#: Accepted budget years.
MIN_YEAR = 1990
MAX_YEAR = 2100

#: Characters and bytes of a file name made from a text (file systems allow 255 bytes; temporary
#: names and the folder path on Windows need room).
MAX_FILE_NAME_CHARS = 80
MAX_FILE_NAME_BYTES = 150

#: A workbook to import (jixiao import 文件.xlsx): its size, its unpacked size and parts,
#: its sheets and the cells read from them.
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
MAX_WORKBOOK_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_WORKBOOK_PARTS = 5_000
MAX_WORKBOOK_SHEETS = 2_000
MAX_WORKBOOK_CELLS = 3_000_000
#: Rows and columns read from one sheet.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 200

#: A rule pack (rules/*.yaml, or a reviewer's spreadsheet read by jixiao rules import): rules in one
#: pack, characters of one regular expression, RE2's memory for compiling it and the size of the
#: compiled program (which bounds the work per character of text).
MAX_PACK_RULES = 500
MAX_PATTERN_CHARS = 2_000
MAX_PATTERN_MEMORY = 2 * 1024 * 1024
MAX_PATTERN_PROGRAM = 20_000
#: Seconds all the rule packs together may take on one spec before the check stops.
MAX_PACK_SECONDS = 30
