from .finola_autoencoder import FINOLAAutoencoder
from .masked_finola import MaskedFINOLA

__all__ = ['FINOLAAutoencoder', 'MaskedFINOLA']
