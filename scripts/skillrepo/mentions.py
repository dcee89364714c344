"""How prose mentions a skill ("Application support (ASUP)") and cites a change request ("CR#1431"): the one
definition that the prose rules, the page import and the site share."""

from __future__ import annotations

import re

# A skill code in parentheses after its name.
MENTION = re.compile(r"\(([A-Z]{4})\)")
# CR#1431, CR-1431, CRs 1431, or a bare #1431 that is no HTML entity or part of a word.
CR_CITE = re.compile(r"(?:\bCRs?[-\s]?#?\s?|(?<![\w&#])#)([0-9]{3,})\b")
# Either a CR citation (group 1) or a bare skill code (group 2), as the site links them.
CITE_OR_CODE = re.compile(f"{CR_CITE.pattern}|\\b([A-Z]{{4}})\\b")
