"""Data preparation: CIFAR-10, the fixed splits, the demo sets."""
