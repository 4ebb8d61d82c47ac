"""The reviewer's form (审核表) as a file: .xlsx and .docx of :mod:`jixiao.checks.review.form`, and where it goes.

It sits above the checks and the renderers (it reads findings and uses the renderers' packaging).
"""
