from .checkpoint_check_hook import CheckpointCompatibilityHook
from .initial_weights_hook import InitialWeightsHook
from .masked_vis_hook import MaskedReconstructionVisHook
from .non_finite_guard_hook import NonFiniteGuardHook
from .online_knn_hook import OnlineKNNHook
from .preemption_hook import PreemptionHook
from .reconstruction_vis_hook import ReconstructionVisHook

__all__ = ['CheckpointCompatibilityHook', 'InitialWeightsHook',
           'MaskedReconstructionVisHook', 'NonFiniteGuardHook',
           'OnlineKNNHook', 'PreemptionHook', 'ReconstructionVisHook']
