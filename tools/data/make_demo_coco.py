"""Make the demo COCO set: the command line of
finola_mm.datasets.demo_coco (see its docstring and docs/demo_coco.md).

    python tools/data/make_demo_coco.py --out data/demo_coco [--draw 1]
"""
from finola_mm.datasets.demo_coco import main

if __name__ == '__main__':
    main()
