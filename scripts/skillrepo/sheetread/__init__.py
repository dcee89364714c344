"""Reading a published skills spreadsheet back (for `init`): `read` reads the sheets, `screen` screens a
workbook's archive first, `common` holds what both share."""
