"""The report: mean ± std, paired differences, markdown tables, bar charts,
and the JSON every docs table is generated from."""
import statistics
from typing import Callable, Optional, Sequence


def mean_std(values: Sequence) -> tuple:
    """(mean, sample std) of the values that are not None; std is None for
    one value, (None, None) for none."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values)
                                      if len(values) > 1 else None)


def paired_delta(runs: Sequence[dict], name: str, ref: str,
                 value: Callable[[dict], Optional[float]],
                 key: str = 'name') -> tuple:
    """(mean, std) over seeds of ``value(run)`` for the runs whose ``key``
    is ``name`` minus the ``ref`` run's at the same ``run['seed']``: noise
    shared by a seed cancels. Seeds where either value is None are left
    out."""
    by_seed = {r['seed']: value(r) for r in runs if r[key] == ref}
    return mean_std([value(r) - by_seed[r['seed']] for r in runs
                     if r[key] == name and value(r) is not None
                     and by_seed.get(r['seed']) is not None])


def fmt(pair, digits: int = 2, sign: bool = False) -> str:
    """(mean, std) or a number -> 'mean ± std' ('-' for none); the std is
    shown whenever there are several values, even when it is 0."""
    mean, std = pair if isinstance(pair, (tuple, list)) else (pair, None)
    if mean is None:
        return '-'
    text = f'{mean:+.{digits}f}' if sign else f'{mean:.{digits}f}'
    return text + ('' if std is None else f' ± {std:.{digits}f}')


def markdown_table(head: Sequence[str], rows: Sequence[Sequence]) -> str:
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def bar_chart(labels: Sequence[str], series: dict, path: str, title: str,
              ylabel: str = 'accuracy (%)') -> None:
    """Grouped bars: ``series`` maps a name to one (mean, std) per label."""
    import textwrap

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    width = 0.8 / len(series)
    fig_width = 1.6 + 1.3 * len(labels)
    fig, ax = plt.subplots(figsize=(fig_width, 4))
    for i, (name, values) in enumerate(series.items()):
        xs = [j + (i - (len(series) - 1) / 2) * width
              for j in range(len(labels))]
        ax.bar(xs, [v[0] or 0 for v in values], width,
               yerr=[v[1] or 0 for v in values], capsize=3, label=name)
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.set_ylabel(ylabel)
    lows = [v[0] for vs in series.values() for v in vs if v[0] is not None]
    ax.set_ylim(max(0, min(lows) - 10), min(100, max(lows) + 5))
    # about 13 characters of 9 pt text per inch: wrap rather than clip
    ax.set_title(textwrap.fill(title, int(13 * fig_width)), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)




def table(title: str, head: Sequence[str], rows: Sequence[Sequence],
          note: str = '') -> dict:
    """One table as the JSON keeps it: rows of strings, already formatted,
    so the docs show exactly what the run printed."""
    return dict(title=title, note=note, head=[str(h) for h in head],
                rows=[[str(c) for c in row] for row in rows])


def table_markdown(tab: dict) -> str:
    """A :func:`table` dict -> its note (if any), then the markdown table."""
    body = markdown_table(tab['head'], tab['rows'])
    return f'{tab["note"]}\n\n{body}' if tab.get('note') else body


def run_meta(start: float) -> dict:
    """What a reader needs to reproduce a run: the command, the machine,
    the commit, the date and the wall time since ``start``
    (time.perf_counter())."""
    import os
    import platform
    import subprocess
    import sys
    import time
    try:
        commit = subprocess.run(
            ['git', 'rev-parse', '--short', 'HEAD'], capture_output=True,
            text=True, cwd=os.path.dirname(__file__)).stdout.strip()
    except OSError:
        commit = ''
    return dict(command=' '.join(['python'] + sys.argv),
                date=time.strftime('%Y-%m-%d'), commit=commit or None,
                machine=dict(platform=platform.platform(),
                             cpus=os.cpu_count()),
                total_wall_s=round(time.perf_counter() - start, 1))


def write_report(stem: str, tables: dict, payload: dict,
                 start: float) -> str:
    """Write ``stem``.md (every table under its title) and ``stem``.json
    (``payload`` plus ``tables`` and ``meta``: what tools/benchmarks/
    render_docs.py regenerates the docs' tables from); print the tables and
    the wall time. Returns the JSON path."""
    import json
    import os
    import os.path as osp
    os.makedirs(osp.dirname(stem) or '.', exist_ok=True)
    meta = run_meta(start)
    text = '\n\n'.join(f'## {t["title"]}\n\n{table_markdown(t)}'
                       for t in tables.values())
    print(f'\n{text}\n\ntotal wall time {meta["total_wall_s"] / 60:.1f} min',
          flush=True)
    with open(stem + '.md', 'w') as f:
        f.write(text + '\n')
    with open(stem + '.json.tmp', 'w') as f:
        json.dump(dict(payload, tables=tables, meta=meta), f, indent=2,
                  default=str)
    os.replace(stem + '.json.tmp', stem + '.json')
    print(f'wrote {stem}.md and {stem}.json', flush=True)
    return stem + '.json'
