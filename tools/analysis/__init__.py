"""Analysis tools (kNN, wave analysis); importable as modules."""
