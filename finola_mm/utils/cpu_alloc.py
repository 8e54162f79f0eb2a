"""Keep freed CPU memory for reuse, as CUDA's caching allocator does.

glibc returns large freed blocks to the OS (mmap/trim) and page-faults them
back in on the next allocation, so a loop that allocates a few MiB per call
pays for page faults, and which calls do depends on the process's history
(timings here varied 1.5x between identical runs). Raising the mmap and trim
thresholds makes freed blocks stay in the heap for reuse.
"""
import ctypes
import ctypes.util

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory(threshold: int = 1 << 30) -> bool:
    """Ask glibc to keep blocks up to ``threshold`` bytes; False if not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c'))
        return bool(libc.mallopt(M_MMAP_THRESHOLD, threshold) and
                    libc.mallopt(M_TRIM_THRESHOLD, threshold))
    except (OSError, AttributeError, TypeError):
        return False
