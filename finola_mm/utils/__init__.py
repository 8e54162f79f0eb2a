from .checkpoint_compat import assert_checkpoint_fits, state_dict_mismatch
from .safe_load import mmengine_checkpoint_types, register_safe_globals

__all__ = ['assert_checkpoint_fits', 'mmengine_checkpoint_types',
           'register_safe_globals', 'state_dict_mismatch']
