"""Rules the strict loader and the schemas enforce while reading; documented here, found in yamlsource and schemas."""

from skillrepo.rules.base import Rule, document

RULES = document(
    Rule("Y001", "yaml-syntax", "The file is not valid YAML, or holds a character YAML does not allow.",
         "name: [IT infrastructure", "name: IT infrastructure"),
    Rule("Y002", "duplicate-key", "A key appears twice in one mapping; YAML tools silently keep only one of them.",
         "name: IT infrastructure\nname: IT operations", "name: IT infrastructure"),
    Rule("Y003", "anchor-or-alias", "Anchors (&a) and aliases (*a) hide where a value comes from, and can explode "
         "in size.",
         "description: &d Runs the infrastructure.\nguidance: *d",
         "description: Runs the infrastructure.\nguidance: Runs the infrastructure."),
    Rule("Y004", "tag", "An explicit tag (!!str, !!python/object, !custom) asks a loader to build something; "
         "data files hold plain values.", "name: !!str IT infrastructure", "name: IT infrastructure"),
    Rule("Y005", "multiple-documents", "A second document (after ---) in one file; each file holds one thing.",
         "code: ITOP\n---\ncode: ITMG", "code: ITOP"),
    Rule("Y006", "empty-file", "The file holds no YAML document at all.", "# nothing here yet", "code: ITOP\n..."),
    Rule("Y007", "tab", "A tab character; YAML indents with spaces, and a tab in text is invisible in review.",
         "name:\tIT infrastructure", "name: IT infrastructure"),
    Rule("Y008", "not-utf8", "The file is not valid UTF-8.", "name: Caf\\xe9 (Latin-1 byte)", "name: Café (UTF-8)"),
    Rule("Y009", "file-too-large", "The file is larger than any data file needs to be: over 1 MiB, a line over "
         "10,000 characters, a text over 50,000 characters, or more than 20,000 values. A file over 1 MiB is not "
         "read at all.", "a 2 MB description", "a description of a few paragraphs"),
    Rule("Y010", "implicit-type", "A plain value that YAML tools read as a boolean, date or number where text is meant "
         "(NO, yes, on, 2024-01-05, 1:30, 1.0 in YAML 1.1; 1e3, 0o17 in YAML 1.2), or a key that is not read as "
         "text, such as a merge key (<<: copies another mapping's keys; write them out).",
         'edition: 2024-01-05\nname: NO', 'edition: "2024-01-05"\nname: "NO"'),
    Rule("Y011", "byte-order-mark", "The file starts with a UTF-8 byte-order mark.",
         "\\ufeffcode: ITOP", "code: ITOP"),
    Rule("Y012", "too-deep", "The YAML is nested deeper than any data file needs (64 levels).",
         "[[[[[[ ... ]]]]]]", "a flat mapping"),
    Rule("Y013", "control-character", "A text or key holds a control character, written with a double-quoted "
         "escape (\\x07, \\e, \\0, \\u001b) that YAML allows: invisible in review, and able to rewrite what a "
         "terminal shows. Texts hold tabs and line breaks, no other control character.",
         'description: "Runs the \\x1b[31minfrastructure\\x07"', "description: Runs the infrastructure"),
    Rule("Y014", "bidirectional-control", "A text or key holds a bidirectional embedding, override or isolate "
         "(U+202A-U+202E, U+2066-U+2069): it changes the order in which the text is shown, so that a reviewer can "
         "read something other than what is stored and published. Right-to-left words need at most the marks "
         "U+200E and U+200F.", 'name: "IT \\u202eerutcurtsarfni"', "name: IT infrastructure"),
    Rule("S201", "missing-key", "A key the schema requires is missing.",
         "code: ITOP\nname: IT infrastructure", "code: ITOP\nid: 0b6a3f4e-...\nname: IT infrastructure\n..."),
    Rule("S202", "unknown-key", "A key the schema does not know (often a typo).",
         "descripton: Runs the infrastructure.", "description: Runs the infrastructure."),
    Rule("S203", "wrong-type", "A value of the wrong type: text where a list is wanted, a mapping where text is, "
         "no value at all, or a level that is not a whole number written in decimal (4.0, 0x4, true).",
         "related: ITMG\nlevel: 4.0", "related:\n  - ITMG\nlevel: 4"),
    Rule("S204", "invalid-value", "A value of the right type that the schema refuses: a malformed code, id or level, "
         "a status that does not exist, empty text, a list with a repeated item.",
         "code: itop\nlevel: 9", "code: ITOP\nlevel: 5"),
)
