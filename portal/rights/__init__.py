"""Legal rights pages (design §6): public, cited, in both scripts. ``rights_url`` is for other domains' links."""
from portal.rights.links import SECTIONS, SLUGS, rights_url

__all__ = ["SECTIONS", "SLUGS", "rights_url"]


def configure(app) -> None:
    from portal.rights.routes import bp

    app.register_blueprint(bp)
