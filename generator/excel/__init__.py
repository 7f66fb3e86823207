"""``import-xlsx``: a workbook in the published layout, checked before loading, read back into a budget."""
