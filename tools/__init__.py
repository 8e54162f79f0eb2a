"""Command-line tools; importable as modules (``tools.data.prepare_cifar10``)
when the repository root is on the path, as in the tests."""
