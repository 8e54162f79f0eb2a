from .wave import SingularMatrixError, WaveSpectrum, wave_residual, wave_speeds

__all__ = ['SingularMatrixError', 'WaveSpectrum', 'wave_residual',
           'wave_speeds']
