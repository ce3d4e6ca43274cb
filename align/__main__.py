"""The `align` command and `python -m align`: the CLI (`align.cli.run`), with Ctrl-C answered by one line and exit
code 130 at any moment, start-up (the imports) included."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from align.cli import run

        code = run()
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
