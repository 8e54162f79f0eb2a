# Sourced by the device scripts: the OpenMMLab stack's pure-Python packages
# that tools/device/prepare_site.sh packs into .dev/site, on the path of the
# machine's own python ($PY).
export PYTHONPATH=$PWD/.dev/site:$PWD${PYTHONPATH:+:$PYTHONPATH}
# mmpretrain's multimodal models import names newer transformers lack
# (../shared/STACK.md); the machine is given back afterwards.
$PY -m pip uninstall -y -q transformers >/dev/null 2>&1
