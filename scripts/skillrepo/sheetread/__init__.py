"""Reading the published files back (for `init`): `read` recognises and reads skills, attributes and levels of
responsibility, `cells` reads rows the same way for each, `source` gives a CSV's or a worksheet's rows, `screen`
screens a workbook's archive first, `common` holds what all share."""
