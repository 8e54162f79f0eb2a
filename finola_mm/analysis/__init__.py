from .wave import (SingularMatrixError, WaveSpectrum, axis_residuals,
                   wave_residual, wave_speeds)

__all__ = ['SingularMatrixError', 'WaveSpectrum', 'axis_residuals',
           'wave_residual', 'wave_speeds']
