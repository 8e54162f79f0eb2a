from .safe_load import mmengine_checkpoint_types, register_safe_globals

__all__ = ['mmengine_checkpoint_types', 'register_safe_globals']
