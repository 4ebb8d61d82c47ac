"""The HTML document: the PDF's source and the .html output."""
