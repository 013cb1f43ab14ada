"""The REST API (Flask + flask-openapi3): factory, envelope, errors, security."""
