"""The only package that talks to NSE: index constituent files, fetched politely and validated.

Services use :class:`scripts.nse.client.NseIndexClient`; nothing else in the platform holds
an HTTP client to NSE's hosts (tests/test_layers.py).
"""
