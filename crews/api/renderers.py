"""The CSV and XLSX renderers live in ``config.spreadsheets``; re-exported for imports not yet moved."""

from config.spreadsheets import CSVRenderer, XLSXRenderer

__all__ = ["CSVRenderer", "XLSXRenderer"]
