"""Training: losses with the paper's weights, the loop, the `train` command."""
