"""Import and export of the registry as CSV and XLSX (机构、编制、实名制人员导入导出).

An import is all-or-nothing: a validation pass collects every bad row, and only a file
without errors is written, through the services, in one transaction.
"""

from .common import ImportFileError, ImportResult, RowError

__all__ = ["ImportFileError", "ImportResult", "RowError"]
