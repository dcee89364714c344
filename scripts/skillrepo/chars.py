"""The control characters, defined once as ranges of a regular expression's character class; each module
compiles the set it refuses or escapes from these."""

C0 = "\x00-\x1f"  # every C0 control character
C0_BUT_TAB_LF = "\x00-\x08\x0b-\x1f"  # C0 but tab and line feed, the ones YAML text and XML may hold
C0_BUT_TAB_LF_CR = "\x00-\x08\x0b\x0c\x0e-\x1f"  # and carriage return too
C0_BUT_WHITESPACE = "\x00-\x08\x0e-\x1f"  # C0 but tab, line feed, vertical tab, form feed, carriage return
C1 = "\x7f-\x9f"  # DEL and the C1 control characters
