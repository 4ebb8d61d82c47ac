"""The reviewer's form (审核表): per project, the problems by category, the suggestions and a grade.

:mod:`.form` gathers the findings per project and grades them (the grading rule is data:
``review/评级.yaml`` or a rule pack's ``评级``); :mod:`jixiao.reviewform` writes it as .xlsx and .docx;
:mod:`.text` prints findings grouped by category (``check --按 类别``).
"""
