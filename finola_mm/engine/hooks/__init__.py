from .checkpoint_check_hook import CheckpointCompatibilityHook
from .reconstruction_vis_hook import ReconstructionVisHook

__all__ = ['CheckpointCompatibilityHook', 'ReconstructionVisHook']
