from .finola_autoencoder import Autoencoder, FINOLAAutoencoder
from .masked_finola import MaskedFINOLA

__all__ = ['Autoencoder', 'FINOLAAutoencoder', 'MaskedFINOLA']
