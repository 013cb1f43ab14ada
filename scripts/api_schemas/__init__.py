"""The REST API's contract: Pydantic models of every request and response body.

Pure data, importing nothing of the platform, so the API (which validates its
answers through these models and documents them in /api/openapi.json) and the
dashboard's client (which parses answers into them) cannot drift apart: a
change here that breaks a page fails the dashboard's client tests.
"""
