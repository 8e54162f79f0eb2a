"""Run a script that needs only ``finola_mm.finola`` (and its ``ops``) on a
machine without the OpenMMLab stack, e.g. a lent GPU whose image has torch
and Triton but no mmengine/mmcv/mmpretrain.

``finola_mm/__init__.py`` imports the whole stack to register modules; this
makes ``finola_mm`` a bare namespace over the source folder instead, so the
maths modules import on their own::

    python3 tools/device/standalone.py tools/benchmarks/finola_op.py --help
"""
import os.path as osp
import runpy
import sys
import types

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
package = types.ModuleType('finola_mm')
package.__path__ = [osp.join(ROOT, 'finola_mm')]
sys.modules['finola_mm'] = package
sys.path.insert(0, ROOT)  # `tools.` imports

if __name__ == '__main__':
    script, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_path(script, run_name='__main__')
