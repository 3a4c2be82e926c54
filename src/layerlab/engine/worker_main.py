"""`python -m layerlab.engine.worker_main FD`: start a worker process (engine/worker.py).

A module of its own because `import layerlab` already imports engine.worker (through the facade):
running that module with -m would execute it a second time, as __main__, which Python warns about
on every run ("found in sys.modules ... unpredictable behaviour").
"""
import sys

from .worker import main

if __name__ == "__main__":
    main(sys.argv)
