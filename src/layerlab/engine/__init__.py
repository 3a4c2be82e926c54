"""Build, training loop, metrics, events, checkpoints and executors."""
