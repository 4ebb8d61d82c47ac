"""What the Word and the HTML renderer share: the table grid, its column widths and the template context."""
