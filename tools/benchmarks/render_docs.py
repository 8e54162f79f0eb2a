"""Regenerate every table in README.md and docs/*.md from committed JSON.

A generated table sits between two markers naming the JSON file (relative to
the repository root) and the table's key in its ``tables``::

    <!-- table docs/results/compare_ssl_cifar10.json main -->
    ...generated, do not edit...
    <!-- /table -->

The JSON is what a benchmark wrote (engine.write_report); copy it to
docs/results/ to publish it. ``--check`` changes nothing and exits 1 when a
table differs from its JSON (as a test does).

    python tools/benchmarks/render_docs.py [--check]
"""
import argparse
import glob
import json
import os.path as osp
import re
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import REPO, table_markdown  # noqa: E402

BLOCK = re.compile(r'(<!-- table (\S+) (\S+) -->\n)(.*?)(<!-- /table -->)',
                   re.S)


def render(text: str, root: str = REPO) -> str:
    """``text`` with every marked block regenerated from its JSON."""
    def fill(m):
        path = osp.join(root, m.group(2))
        if not osp.isfile(path):
            raise SystemExit(f'{m.group(2)}: no such JSON (a table marker '
                             f'names it); run the benchmark and copy its '
                             f'JSON there, or fix the marker.')
        with open(path) as f:
            tables = json.load(f).get('tables', {})
        if m.group(3) not in tables:
            raise SystemExit(f'{m.group(2)} has no table {m.group(3)!r}; it '
                             f'has {sorted(tables)}.')
        return f'{m.group(1)}{table_markdown(tables[m.group(3)])}\n{m.group(5)}'
    return BLOCK.sub(fill, text)


def pages(root: str = REPO) -> list:
    return [osp.join(root, 'README.md')] + sorted(
        glob.glob(osp.join(root, 'docs', '*.md')))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='change nothing; exit 1 if a table is stale')
    args = parser.parse_args()
    stale = []
    for page in pages():
        with open(page) as f:
            text = f.read()
        new = render(text)
        if new != text:
            stale.append(osp.relpath(page, REPO))
            if not args.check:
                with open(page, 'w') as f:
                    f.write(new)
    verb = 'stale' if args.check else 'regenerated'
    print(f'{verb}: {", ".join(stale) or "none"}')
    sys.exit(1 if args.check and stale else 0)


if __name__ == '__main__':
    main()
