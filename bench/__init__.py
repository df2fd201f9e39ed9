"""watchfloor benchmarks (issue 7): `make bench` or `python -m bench [NAME...]`."""
