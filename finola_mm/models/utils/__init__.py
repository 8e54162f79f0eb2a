from .attention_pool import AttentionPool
from .linear_pool import LinearPool

__all__ = ['AttentionPool', 'LinearPool']
