"""``jixiao import 文件.xlsx``: a budget system's workbook → a spec folder with presets.

read (safely) → recognise the layout by its labels (or take ``--布局``) → the
projects as the Word importer's tables (:mod:`jixiao.importer.workbook.tables`)
→ the Word importer's later stages: presets mined, each table spelled the
shortest way, verified by expansion, written next to the target and moved into
place. The workbook layout it follows is written into 部门.yaml (``工作簿:``) —
as a built-in name when it is one, else as ``workbooks/导入.yaml`` — so that
``jixiao render --format xlsx`` writes the same cells again; that round trip is
checked before the folder is published and any cell that differs is reported.

The entry point is :func:`jixiao.importer.workbook.pipeline.import_workbook`; this
package imports nothing itself, so that the Word importer can use its label and
extras modules (the 2021 project form) without loading the workbook pipeline.
"""
