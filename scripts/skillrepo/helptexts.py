"""What each subcommand's --help says: a one-line summary, a help text per argument, an example and the page of
the documentation that describes it. Kept as data, for the parser to take (main.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CommandHelp:
    """The --help of one subcommand: `arguments` maps each argument's dest to its help text."""

    summary: str
    example: str
    docs: str
    arguments: dict[str, str] = field(default_factory=dict)

    def epilog(self) -> str:
        """The text after the arguments (for argparse's RawDescriptionHelpFormatter)."""
        return f"example:\n  {self.example}\n\ndocumentation: {self.docs}"


_FORMAT = "the output's format"
_BASE_URL = ("where the release's site/ is published (https://example.org/framework/1.1.0/): the changelog links "
             "each change request to its page there")

_ITEM = ("a skill (ITOP), an attribute (AUTO), or a level of responsibility: L5 (or level 5); codes in any case")
_LEVEL = "the level of the skill or attribute: ITOP 5 is IT infrastructure at level 5"

COMMANDS: dict[str, CommandHelp] = {
    "check": CommandHelp(
        "check every file of the repository; exit 1 on errors", "skillrepo check --strict --select R4,T501",
        "README.md#skillrepo-check, docs/checks.md",
        {"paths": "accepted (as the commit hook passes them) but the whole repository is always checked",
         "format": f"{_FORMAT}: text (file:line:column: CODE message), json, or github (annotations)",
         "strict": "warnings fail the check too",
         "select": "report only these codes or prefixes, comma-separated (R4,T501)",
         "ignore": "report none of these codes or prefixes, comma-separated",
         "no_cache": "read and validate every file, and keep nothing in .skillrepo/cache/ (as CI runs it; "
                     "SKILLREPO_NO_CACHE=1 does the same for every command)"}),
    "fmt": CommandHelp(
        "rewrite files under framework/ in their canonical formatting", "skillrepo fmt --check",
        "README.md#canonical-formatting",
        {"paths": "only these files (as the commit hook passes the staged ones); without any, every file under "
                   "framework/ and changes/",
         "check": "write nothing; exit 1 if a file needs formatting"}),
    "new": CommandHelp(
        "start a draft change request with the next free number, by hand or from an edited spreadsheet",
        'skillrepo new "Create IT infrastructure (ITOP) level 6" --applies-to ITOP',
        "README.md#proposing-a-change-contributors, README.md#a-new-framework-repository",
        {"title": 'its title, e.g. "Create IT infrastructure (ITOP) level 6"',
         "applies_to": "the skills it is about",
         "from_sheet": "a release's skills.csv, attributes.csv or levels.csv, or skills.xlsx, as edited (each "
                       "recognised by its header); give it once per file: the draft's operations make the "
                       "framework what the files say. If nothing differs, nothing is written (exit 0)"}),
    "import": CommandHelp(
        "a change request from the text of a published change request page", "skillrepo import page.txt",
        "README.md#proposing-a-change-contributors",
        {"page": "a file with the page's text, or - for standard input"}),
    "preview": CommandHelp(
        "what applying a change request would do; writes nothing", "skillrepo preview 1501 --format markdown",
        "README.md#deciding-and-applying-maintainers",
        {"cr": "the change request: CR-1501, or as people write it (1501, cr-1501, #1501)",
         "format": f"{_FORMAT}: text, markdown (for a pull request) or json"}),
    "apply": CommandHelp(
        "apply accepted change requests: all files or none", "skillrepo apply CR-1501 CR-1502 --commit",
        "README.md#deciding-and-applying-maintainers",
        {"crs": "the change requests, applied in this order (CR-1501, 1501, cr-1501, #1501)",
         "dry_run": "print what would change; write nothing",
         "commit": "make one commit per change request, through the repository's hooks"}),
    "revert": CommandHelp(
        "undo an applied change request and mark it reverted", "skillrepo revert CR-1501 --commit",
        "README.md#deciding-and-applying-maintainers",
        {"cr": "the applied change request to undo (CR-1501, 1501, cr-1501, #1501)",
         "commit": "commit the revert, through the repository's hooks"}),
    "status": CommandHelp(
        "change requests by status; stale and conflicting ones", "skillrepo status --format json",
        "README.md#deciding-and-applying-maintainers",
        {"format": f"{_FORMAT}: text or json"}),
    "verify": CommandHelp(
        "prove framework/ is every applied change request replayed from the empty framework", "skillrepo verify",
        "README.md#deciding-and-applying-maintainers",
        {"base": "a git ref to replay from instead, e.g. v1.0.0 (only what was applied since)"}),
    "history": CommandHelp(
        "every applied change request that changed an item, oldest first, and those declined or withdrawn",
        "skillrepo history ITOP 5 --format markdown", "README.md#where-a-sentence-came-from",
        {"item": _ITEM,
         "level": _LEVEL,
         "format": f"{_FORMAT}: text, markdown (for a pull request or an issue) or json"}),
    "blame": CommandHelp(
        "an item's text sentence by sentence, with the change requests that last changed and first introduced "
        "each", "skillrepo blame ITOP 5", "README.md#where-a-sentence-came-from",
        {"item": f"{_ITEM}; without LEVEL, a skill's or attribute's overall description (a level of "
                 "responsibility: its essence)",
         "level": _LEVEL,
         "format": f"{_FORMAT}: text or json"}),
    "changelog": CommandHelp(
        "what changed since the last release, from the applied change requests",
        "skillrepo changelog --since v1.0.0", "README.md#releases",
        {"since": "a git ref to compare with (default: the last release changes/log.yaml records)",
         "format": f"{_FORMAT}: markdown or json",
         "base_url": _BASE_URL}),
    "release": CommandHelp(
        "build the release: JSON, spreadsheets, CASE, changelog, mapping", "skillrepo release 1.1.0 --tag",
        "README.md#releases",
        {"version": "e.g. 1.0.0; the tag is vVERSION", "out": "the directory to build into (default: dist)",
         "tag": "commit the release's record (changes/log.yaml) and create the annotated tag vVERSION",
         "force": "build a recorded release again over DIR/VERSION (only if the repository is unchanged since)",
         "base_url": _BASE_URL}),
    "verify-release": CommandHelp(
        "build a release again as recorded and compare every file, and SHA256SUMS, with its directory",
        "skillrepo verify-release dist/1.1.0", "README.md#releases",
        {"release": "a built release's directory (dist/1.1.0), or its version (looked for under --out)",
         "out": "where to look for a release given by its version (default: dist)",
         "base_url": "the --base-url the release was built with, if any"}),
    "init": CommandHelp(
        "start a new framework repository",
        "skillrepo init my-framework --from-sheet skills.csv --from-sheet attributes.csv --from-sheet levels.csv",
        "README.md#a-new-framework-repository",
        {"directory": "the new repository's directory (made if missing, refused if it holds a framework)",
         "from_sheet": "a published file: skills, attributes or levels of responsibility (.csv, each recognised by "
                       "its header), or an .xlsx holding them; give it once per file"}),
    "authorize": CommandHelp(
        "refuse changes only a maintainer may make (for pull requests)",
        "skillrepo authorize --base origin/main --author octocat", "README.md#continuous-integration",
        {"base": "the pull request's base", "author": "the pull request's author"}),
    "rules": CommandHelp(
        "list every check code with its summary", "skillrepo rules --format markdown", "docs/checks.md",
        {"format": f"{_FORMAT}: text or markdown (docs/checks.md is this)"}),
}
