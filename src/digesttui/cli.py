"""`digest-tui`: the reader, `--check` for generators' CI, `--json` for scripts."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from digesttui import __version__
from digesttui.library import Library, Snapshot
from digesttui.model import Digest
from digesttui.resources import resource

ENV_DIR = "DIGEST_TUI_DIR"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"digest-tui: error: {message} (see digest-tui --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="digest-tui",
        description="A keyboard-driven terminal reader for AI news digests (Markdown with front matter).",
        epilog=f"Without PATH: ${ENV_DIR} (folders separated by '{os.pathsep}'), else the bundled samples. "
        "Press ? in the reader for every key.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="digest folders (searched recursively) or files")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report problems in the digests and exit (1 if any error)")
    mode.add_argument("--json", action="store_true", help="print the parsed digests as JSON lines, newest first")
    mode.add_argument("--export-starred", action="store_true", help="print the starred items as Markdown")
    parser.add_argument("--poll", action="store_true", help="poll for changes (network file systems without inotify)")
    parser.add_argument("--browser", metavar="CMD", help="command that opens links (%%s: the URL); overrides $BROWSER")
    parser.add_argument("--no-cache", action="store_true", help="parse every file; neither read nor write the cache")
    parser.add_argument("--version", action="version", version=f"digest-tui {__version__}")
    return parser


def choose_roots(
    paths: Sequence[str], env: dict[str, str] | os._Environ[str], configured: Sequence[str] = ()
) -> tuple[list[str], bool]:
    """The folders to read, and whether they are the bundled samples."""
    if paths:
        return list(paths), False
    from_env = [p for p in env.get(ENV_DIR, "").split(os.pathsep) if p.strip()]
    if from_env:
        return from_env, False
    if configured:
        return list(configured), False
    return [str(resource("seeds"))], True


def export_starred() -> int:
    from digesttui.render import escape
    from digesttui.state import State, state_path

    state = State(state_path()).load()
    if state.warning:
        print(f"digest-tui: warning: {state.warning}", file=sys.stderr)
    starred = state.starred()
    print("# Starred items\n")
    for _, info in starred:
        title = escape(str(info.get("title") or "(no headline)"))
        url = info.get("url")
        print(f"- [{title}](<{url}>)" if url else f"- {title}")
        source = " — ".join(str(info[k]) for k in ("digest", "date") if info.get(k))
        if source:
            print(f"  *{escape(source)}*")
        summary = str(info.get("summary") or "").strip()
        if summary:
            print("\n" + "\n".join(f"  {line}" if line else "" for line in summary.splitlines()))
        print()
    if not starred:
        print("(none yet: press s on an item to star it)")
    return 0


def display_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def check(snapshot: Snapshot) -> int:
    errors = warnings = 0
    for digest in sorted(snapshot.digests, key=lambda d: d.path):
        for problem in digest.problems:
            print(f"{display_path(digest.label)}: {problem.level}: {problem.describe()}")
            errors += problem.level == "error"
            warnings += problem.level == "warning"
    files = len(snapshot.digests)
    print(
        f"checked {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    return 1 if errors else 0


def as_json(digest: Digest) -> str:
    import json

    return json.dumps(
        {
            "path": display_path(digest.label),
            "title": digest.title,
            "date": digest.date.isoformat() if digest.date else None,
            "categories": list(digest.categories),
            "tags": list(digest.tags),
            "items": [
                {
                    "n": item.n,
                    "title": item.title,
                    "url": item.url,
                    "links": [{"text": link.text, "url": link.url} for link in item.links],
                    "summary": item.summary,
                    **({"section": item.section} if item.section else {}),
                }
                for item in digest.items
            ],
            "problems": [{"level": p.level, "message": p.describe()} for p in digest.problems],
        },
        ensure_ascii=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.export_starred:
        return export_starred()
    from digesttui.config import load_config

    config, config_problem = load_config()
    roots, samples = choose_roots(args.paths, os.environ, config.folders)
    if config_problem and (args.check or args.json):
        print(f"digest-tui: warning: {config_problem}", file=sys.stderr)
    if args.check or args.json:
        missing = [p for p in roots if not os.path.exists(p)]
        if missing:
            print(f"digest-tui: error: no such file or folder: {missing[0]}", file=sys.stderr)
            return 2
        snapshot = Library(roots).load()
        try:
            if args.check:
                return check(snapshot)
            for digest in snapshot.digests:
                print(as_json(digest))
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("digest-tui: error: the reader needs a terminal; for scripts use --json or --check", file=sys.stderr)
        return 2
    # Importing Textual and building the first frame allocate much and free little: the collector
    # would spend ~13 ms of the first paint finding nothing. The app turns it back on once painted.
    gc.disable()
    import platformdirs

    from digesttui.ui.app import DigestApp

    cache = None if args.no_cache else platformdirs.user_cache_dir("digest-tui")
    app = DigestApp(
        roots,
        samples=samples,
        cache_dir=cache,
        poll=args.poll,
        browser=args.browser,
        config=config,
        config_problem=config_problem,
    )
    try:
        app.run()
    except KeyboardInterrupt:
        return 130
    return app.return_code or 0
