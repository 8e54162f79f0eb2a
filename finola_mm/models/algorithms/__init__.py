from .finola_autoencoder import FINOLAAutoencoder

__all__ = ['FINOLAAutoencoder']
