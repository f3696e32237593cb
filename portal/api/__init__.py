"""The lender's API under ``/api/v1`` (flask-smorest; OpenAPI 3 at ``/api/v1/openapi.json``), its tokens
(``create-api-token``, ``revoke-api-token``, ``/staff/api-tokens``) and the event feed."""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import Api

from portal.api.errors import ErrorSchema

API_PREFIX = "/api/"


class PortalApi(Api):
    """flask-smorest without its app-wide JSON error handler: the portal's pages keep their localised HTML error
    pages; the API blueprint answers its own errors as JSON (``portal.api.blueprint``)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        return None


class _NoCookiesForTheApi(SecureCookieSessionInterface):
    """API responses never set a cookie (token auth; nothing is kept between requests)."""

    def save_session(self, app, session, response):
        if request.path.startswith(API_PREFIX):
            return None
        return super().save_session(app, session, response)


def configure(app: Flask) -> None:
    from portal.api import contacts, events, loans  # noqa: F401  (their routes join the blueprint)
    from portal.api.blueprint import bp
    from portal.api.cli import create_api_token, revoke_api_token
    from portal.api.errors import error_response
    from portal.api.staff_routes import bp as staff_bp
    from portal.extensions import csrf

    app.config.setdefault("API_TITLE", "Borrower portal: lender API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "Loans and collection contacts in, the borrower's answers out. Every request "
                                "sends `Authorization: Bearer <token>`; each endpoint names the scope it needs "
                                "(x-required-scope). Errors: {code, status, message, errors: {field: [reasons]}}."},
    })
    api = PortalApi()
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "an API token (bpt_…)"})
    for schema in sorted(set(events.data_schemas().values()), key=lambda s: s.__name__):
        api.spec.components.schema(events.component_name(schema), schema=schema)
    from portal.api.schemas import ContactIn

    api.spec.components.schema("ContactIn", schema=ContactIn)  # batch items refer to it by name
    api.register_blueprint(bp)
    csrf.exempt(bp)
    app.extensions["portal_api"] = api
    app.session_interface = _NoCookiesForTheApi()
    app.register_blueprint(staff_bp)
    app.cli.add_command(create_api_token)
    app.cli.add_command(revoke_api_token)

    from portal.errors import render_error

    for code in (404, 405):
        @app.errorhandler(code)
        def _not_here(error, code=code):
            """An API path the blueprint does not route (no such URL, another method) answers JSON too."""
            if request.path.startswith(API_PREFIX):
                return error_response(code)
            return render_error(code)
