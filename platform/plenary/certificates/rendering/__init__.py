"""Certificate PDFs: the designed background from the HTML template, the person on top."""
