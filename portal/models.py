"""Imports every domain's models so the metadata is complete (Alembic and tests use it)."""
from portal.orm import Base

import portal.accounts.models  # noqa: F401,E402
import portal.agencies.models  # noqa: F401,E402
import portal.audit.models  # noqa: F401,E402
import portal.complaints.models  # noqa: F401,E402
import portal.loans.models  # noqa: F401,E402
import portal.plans.models  # noqa: F401,E402
import portal.staff.borrowers.models  # noqa: F401,E402
import portal.visits.models  # noqa: F401,E402

metadata = Base.metadata
import portal.notify.models  # noqa: F401,E402
import portal.privacy.models  # noqa: F401,E402
import portal.contacts.models  # noqa: F401,E402
import portal.events  # noqa: F401,E402
import portal.webhooks.models  # noqa: F401,E402
import portal.api.models  # noqa: F401,E402
import portal.imports.models  # noqa: F401,E402
import portal.tallies.models  # noqa: F401,E402
