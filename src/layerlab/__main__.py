"""`python -m layerlab` runs the command line."""
from .cli import main

main()
