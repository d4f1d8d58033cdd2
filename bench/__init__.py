"""Benchmarks, run as ``python -m bench NAME [options]``: each module ``bench/NAME.py`` has ``main(argv)``."""
