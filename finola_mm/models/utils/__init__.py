from .attention_pool import AttentionPool

__all__ = ['AttentionPool']
