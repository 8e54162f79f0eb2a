from .atomic_io import (AtomicLocalBackend, atomic_write,
                        register_atomic_local_backend)
from .build import build_model
from .checkpoint_compat import (assert_backbone_fits, assert_checkpoint_fits,
                               state_dict_mismatch)
from .safe_load import (CheckpointLoadError, load_checkpoint_file,
                        mmengine_checkpoint_types,
                        register_safe_checkpoint_loader, register_safe_globals)

__all__ = ['AtomicLocalBackend', 'assert_backbone_fits',
           'assert_checkpoint_fits', 'atomic_write', 'build_model',
           'mmengine_checkpoint_types', 'register_atomic_local_backend',
           'register_safe_globals', 'state_dict_mismatch', 'CheckpointLoadError',
           'load_checkpoint_file', 'register_safe_checkpoint_loader']
