"""Make the demo semantic-segmentation set (finola_mm.datasets.demo_seg)
from the demo COCO set, which is made first if missing.

    python tools/data/make_demo_seg.py --out data/demo_seg --coco data/demo_coco
"""
import argparse

from finola_mm.datasets.demo_seg import make_demo_seg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/demo_seg')
    parser.add_argument('--coco', default='data/demo_coco')
    parser.add_argument('--force', action='store_true')
    args = parser.parse_args()
    meta = make_demo_seg(args.out, args.coco, force=args.force)
    print(f'{"Found" if meta["skipped"] else "Made"} demo segmentation set '
          f'in {meta["out_dir"]}')
    for split, summary in meta['summary'].items():
        print(f'  {split}: {summary["images"]} images')


if __name__ == '__main__':
    main()
